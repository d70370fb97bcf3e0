"""Reference data of the dsr app, shared by its data migrations and its runtime code."""
