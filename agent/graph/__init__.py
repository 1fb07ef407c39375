"""The showrunner conversation as a LangGraph graph: one node per production stage, interrupt() where we ask."""
