#pragma once
/// @file MPI scale-out of a sweep: under `mpirun -np N` each rank runs its share of the
/// (variant, replication) plan and the results are exchanged so every rank holds all of them
/// (rank 0 writes the outputs). Without LABTWIN_WITH_MPI, or when not started by mpirun, the
/// session is a single rank and every call is a no-op.
#include "labtwin/adapters/sweep.hpp"

namespace labtwin::adapters {

/// True when this build can use MPI.
bool mpi_built();

/// MPI_Init on construction (only when launched by mpirun), MPI_Finalize on destruction.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  /// This process's rank (0 without MPI).
  int rank() const { return rank_; }
  /// Number of ranks (1 without MPI).
  int size() const { return size_; }
  /// Makes every rank's finished replications known to all ranks (bit-exact: the KPI values
  /// travel as their 64-bit patterns). Collective: every rank must call it.
  void gather(SweepResults& results) const;

 private:
  int rank_ = 0;
  int size_ = 1;
  bool active_ = false;
};

}  // namespace labtwin::adapters
