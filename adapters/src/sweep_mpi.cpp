// MPI exchange of sweep results (compiled to a single-rank no-op without LABTWIN_WITH_MPI).
#include "labtwin/adapters/sweep_mpi.hpp"

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

#ifdef LABTWIN_WITH_MPI
#include <mpi.h>
#endif

namespace labtwin::adapters {

bool mpi_built() {
#ifdef LABTWIN_WITH_MPI
  return true;
#else
  return false;
#endif
}

#ifdef LABTWIN_WITH_MPI
namespace {
/// Started by mpirun (OpenMPI or a PMI launcher)?
bool launched_by_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
         std::getenv("PMIX_RANK") != nullptr;
}
}  // namespace

MpiSession::MpiSession() {
  if (!launched_by_mpirun()) return;
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized == 0) {
    MPI_Init(nullptr, nullptr);
    active_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() {
  if (active_) MPI_Finalize();
}

void MpiSession::gather(SweepResults& results) const {
  if (size_ <= 1) return;
  // One slot per (variant, replication): [done, fingerprint, KPI bit patterns...]. A rank
  // fills only the slots it ran; a bitwise OR over ranks then reassembles every slot exactly.
  const std::size_t nk = results.kpis.size(), reps = results.replications();
  const std::size_t slot = 2 + nk;
  std::vector<std::uint64_t> buf(results.runs.size() * reps * slot, 0);
  for (std::size_t v = 0; v < results.runs.size(); ++v) {
    for (std::size_t r = 0; r < reps; ++r) {
      const Replication& rep = results.runs[v][r];
      if (!rep.done) continue;
      std::uint64_t* p = buf.data() + (v * reps + r) * slot;
      p[0] = 1;
      p[1] = rep.fingerprint;
      std::memcpy(p + 2, rep.values.data(), nk * sizeof(double));
    }
  }
  std::vector<std::uint64_t> all(buf.size(), 0);
  if (MPI_Allreduce(buf.data(), all.data(), static_cast<int>(buf.size()), MPI_UINT64_T, MPI_BOR,
                    MPI_COMM_WORLD) != MPI_SUCCESS) {
    throw std::runtime_error("MPI_Allreduce of the sweep results failed");
  }
  for (std::size_t v = 0; v < results.runs.size(); ++v) {
    for (std::size_t r = 0; r < reps; ++r) {
      const std::uint64_t* p = all.data() + (v * reps + r) * slot;
      if (p[0] == 0) continue;
      Replication& rep = results.runs[v][r];
      rep.done = true;
      rep.fingerprint = p[1];
      rep.values.resize(nk);
      std::memcpy(rep.values.data(), p + 2, nk * sizeof(double));
    }
  }
}
#else
MpiSession::MpiSession() = default;
MpiSession::~MpiSession() = default;
void MpiSession::gather(SweepResults&) const {}
#endif

}  // namespace labtwin::adapters
