#include "labtwin/core/ports.hpp"
