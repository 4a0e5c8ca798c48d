# exit-is.sh STATUS COMMAND...: runs COMMAND (output kept) and succeeds when
# it exits with STATUS.
want=$1
shift
"$@"
got=$?
[ "$got" = "$want" ] || { echo "exit-is.sh: exit status $got, wanted $want" >&2; exit 1; }
