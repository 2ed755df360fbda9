"""The command line: thin modules that parse options, call one library function and render its result."""
