"""Policy Q&A Assistant: cited answers about government policy documents, fully offline."""
