# Optional MPI scale-out of `labtwin sweep` (OpenMPI from Debian: libopenmpi-dev openmpi-bin).
# LABTWIN_WITH_MPI defaults to ON when MPI is found; without MPI the sweep runs on one machine.
find_package(MPI COMPONENTS CXX QUIET)
option(LABTWIN_WITH_MPI "Distribute labtwin sweep replications across MPI ranks" ${MPI_CXX_FOUND})
if(LABTWIN_WITH_MPI AND NOT MPI_CXX_FOUND)
  message(WARNING "LABTWIN_WITH_MPI=ON but no MPI was found: building without MPI")
  set(LABTWIN_WITH_MPI OFF)
endif()
if(LABTWIN_WITH_MPI)
  message(STATUS "labtwin: MPI sweep support ON (${MPI_CXX_COMPILER})")
  # Only sweep_mpi.cpp uses MPI; the definition switches it from the single-rank stub.
  target_compile_definitions(labtwin_adapters PRIVATE LABTWIN_WITH_MPI=1)
  target_link_libraries(labtwin_adapters PRIVATE MPI::MPI_CXX)
  if(LABTWIN_BUILD_TESTS)
    # mpirun -np 2 must give the same sweep.json, byte for byte, as a one-process -j1 run.
    add_test(NAME sweep.mpi
             COMMAND ${CMAKE_COMMAND} -DLABTWIN=$<TARGET_FILE:labtwin>
                     -DMPIEXEC=${MPIEXEC_EXECUTABLE}
                     -DSCENARIO=${PROJECT_SOURCE_DIR}/tests/data/sweep/poisson.yaml
                     -DWORKDIR=${PROJECT_BINARY_DIR}/sweep-mpi-test
                     -P ${PROJECT_SOURCE_DIR}/cmake/LabtwinMpiTest.cmake)
    set_tests_properties(sweep.mpi PROPERTIES LABELS unit TIMEOUT 300)
  endif()
endif()
