# ctest sweep.mpi: `mpirun -np 2 labtwin sweep` equals the -j1 run byte for byte (sweep.json,
# sweep.csv). Inputs: LABTWIN, MPIEXEC, SCENARIO, WORKDIR.
# In ASan builds the ranks run without leak detection: OpenMPI's dlopen'ed plugins leak at
# MPI_Finalize (unnamed modules, so no suppression can match them); our own code is
# leak-checked by the one-process sweep tests.
set(NO_LEAKS ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0)
file(REMOVE_RECURSE ${WORKDIR})
file(MAKE_DIRECTORY ${WORKDIR})
execute_process(COMMAND ${LABTWIN} sweep ${SCENARIO} -n 7 -j 1 --quiet --out ${WORKDIR}/j1
                RESULT_VARIABLE rc1 ERROR_VARIABLE err1 OUTPUT_QUIET)
if(NOT rc1 EQUAL 0)
  message(FATAL_ERROR "-j1 sweep failed (${rc1}): ${err1}")
endif()
execute_process(COMMAND ${NO_LEAKS} ${MPIEXEC} --allow-run-as-root --oversubscribe -np 2
                        ${LABTWIN} sweep ${SCENARIO} -n 7 -j 1 --quiet --out ${WORKDIR}/mpi
                RESULT_VARIABLE rc2 ERROR_VARIABLE err2 OUTPUT_QUIET)
if(NOT rc2 EQUAL 0)
  message(FATAL_ERROR "mpirun -np 2 sweep failed (${rc2}): ${err2}")
endif()
foreach(f sweep.json sweep.csv)
  file(READ ${WORKDIR}/j1/${f} a)
  file(READ ${WORKDIR}/mpi/${f} b)
  if(NOT a STREQUAL b)
    message(FATAL_ERROR "${f} differs between -j1 and mpirun -np 2")
  endif()
endforeach()
string(LENGTH "${a}" n)
message(STATUS "sweep.json and sweep.csv identical for -j1 and mpirun -np 2 (${n} bytes csv)")
# The plan was really split: rank 0 journals only its own share (round robin: 7 of 14 runs).
file(STRINGS ${WORKDIR}/mpi/sweep.journal journal)
list(LENGTH journal lines)
if(NOT lines EQUAL 8)
  message(FATAL_ERROR "rank 0 journaled ${lines} lines, expected 1 header + 7 replications")
endif()
# And the session saw two ranks: options that need one process are refused.
execute_process(COMMAND ${NO_LEAKS} ${MPIEXEC} --allow-run-as-root --oversubscribe -np 2
                        ${LABTWIN} sweep ${SCENARIO} -n 2 --stop-after 1 --quiet
                RESULT_VARIABLE rc3 ERROR_VARIABLE err3 OUTPUT_QUIET)
if(rc3 EQUAL 0 OR NOT err3 MATCHES "not supported under mpirun")
  message(FATAL_ERROR "mpirun -np 2 did not start a 2-rank session (${rc3}): ${err3}")
endif()
