// GNU readline and history, for the REPL. stdio must come first: readline.h uses FILE.
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
