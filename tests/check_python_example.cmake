# Runs the demo scenario with --out, then docs/examples/plot_freezer.py on its results.h5; checks
# the script's report and that a PNG of plausible size was written.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${LABTWIN} run ${SRCDIR}/scenarios/biobank-freezer-failure.yaml
                        --out ${WORK} --quiet
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "labtwin run --out failed (${rc})")
endif()
execute_process(COMMAND /usr/bin/python3 ${SRCDIR}/docs/examples/plot_freezer.py
                        ${WORK}/results.h5 A-07 ${WORK}/freezer.png
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "plot_freezer.py failed (${rc}): ${err}")
endif()
if(NOT out MATCHES "A-07: [0-9]+ air samples, [0-9]+ events, samples_lost 35")
  message(FATAL_ERROR "unexpected report: ${out}")
endif()
file(SIZE ${WORK}/freezer.png size)
if(size LESS 20000)
  message(FATAL_ERROR "freezer.png is only ${size} bytes")
endif()
message(STATUS "${out}")
