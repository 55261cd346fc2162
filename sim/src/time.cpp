#include "labtwin/sim/time.hpp"
