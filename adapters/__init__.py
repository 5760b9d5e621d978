"""Platform adapters: translate platform input into core commands and core replies into platform messages."""
