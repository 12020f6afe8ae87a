"""The web UI (Gradio): ``layout`` builds the page and wires its events, ``handlers`` and ``funding_tab`` are the
plain functions behind them (tested without Gradio), ``upload_guard`` lets file inputs take only uploaded
files; the page's CSS and JavaScript are in ``static/``.
"""
