#pragma once
/// @file The what-if glue of `labtwin gui`: the parameters a scenario offers and a runner on the
/// sweep engine (adapters/sweep.hpp), injected into viz::WhatIf.
#include <vector>

#include "labtwin/adapters/scenario_tree.hpp"
#include "labtwin/twin/scenario_def.hpp"
#include "labtwin/viz/whatif.hpp"

namespace labtwin::cli {

/// The editable parameters of a scenario: the dispatch rule, each technician group's count,
/// each freezer's backup flag, each item's reorder point s and order-up-to level S.
std::vector<viz::WhatIfParam> whatif_params(const adapters::TreeNode& tree,
                                            const twin::ScenarioDef& scenario);

/// A runner comparing the scenario (`tree`, built as `base`) with the overrides applied, both
/// with the same replications (common random numbers), on `threads` threads.
viz::WhatIfRunner whatif_runner(adapters::TreeNode tree, twin::ScenarioDef base, int threads);

}  // namespace labtwin::cli
