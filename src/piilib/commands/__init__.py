"""Sub-commands of `pii`; each module has `register(subparsers)`."""
