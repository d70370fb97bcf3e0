"""Reference data of marketing, shared by its data migrations and the runtime."""
