"""One module per family of `hyosan` subcommands. Each has `register(subparsers)`,
which only declares arguments (heavy imports happen inside the command), and an
`ORDER` that places it in `hyosan --help`."""
