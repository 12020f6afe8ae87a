"""The language model: ``backends`` gives a LangChain chat model (local llama.cpp, or an OpenAI-compatible
server) with one queue for everyone who asks; ``weights`` joins the model packages' chunks into a verified file.
"""
