# The closing lines of `./run.sh test`, read from the console log of `dotnet test` (verbosity normal) over every test
# assembly: each failed test again with its message and the first two frames that name a line (a CI log that keeps
# only its tail still says what failed), then one line of totals in the form CI systems read.
# Exit 1 when no test assembly reported results.
function flush() { if (current != "") { failures = failures current; current = "" } }
/^ +Failed [A-Za-z_][A-Za-z0-9_.]*/ { flush(); current = $0 "\n"; lines = 0; frames = 0; next }
current != "" && /^ +(Passed|Skipped|Failed) / { flush() }
current != "" && lines < 24 { current = current $0 "\n"; lines++; if ($0 ~ /^ +at .*:line [0-9]+/ && ++frames == 2) flush() }
/^Test Run (Successful|Failed)\./ { runs++; flush() }
/^ +Passed: +[0-9]+$/ { passed += $2 }
/^ +Failed: +[0-9]+$/ { failed += $2 }
/^ +Skipped: +[0-9]+$/ { skipped += $2 }
END {
  if (runs == 0) { print "no test assembly reported results (does the filter match any test?)"; exit 1 }
  flush()
  if (failures != "") printf "\nfailed tests:\n%s\n", failures
  printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
}
