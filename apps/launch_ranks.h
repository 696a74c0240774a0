#pragma once
// `dflab run --nproc N`: starts N local ranks of this same command, torchrun-style (RANK,
// WORLD_SIZE, LOCAL_RANK, MASTER_ADDR=127.0.0.1, MASTER_PORT = a free port), and waits for them.
// When one rank fails, the others are stopped (SIGTERM, then SIGKILL after a grace period), as
// torchrun does, so a broken group never lingers.
#include <string>
#include <vector>

namespace dflab::cli {

// `argv` is this process's command line; every "--nproc N" / "--nproc=N" is dropped from the
// children's. Returns rank 0's exit code when every rank succeeds, else the first failing rank's.
int launch_local_ranks(const std::vector<std::string>& argv, int nproc);

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close).
int free_local_port();

}  // namespace dflab::cli
