// Not C++: the checker must say it could not parse this, never pass it.
#include "fixture.hpp"
task broken() { co_await send(options{"x"} }
