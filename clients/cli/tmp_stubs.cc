#include "clients/cli/env.h"
namespace w2w::cli {
std::vector<Command> MatchCommands() { return {}; }
std::vector<Command> RematchCommands() { return {}; }
std::vector<Command> AdminCommands() { return {}; }
}
