// The `conc` command: runs a script file, `-e CODE`, or standard input.
import Conc

ConcCommand.main()
