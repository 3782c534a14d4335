// Every GCC 12 hazard shape the checker must find. A line that ends in `// HAZARD: <shape>` must be
// reported with that shape (at that line); no other line may be.
#include "fixture.hpp"

task braced(bool) {
    co_await send(options{"x"});  // HAZARD: temporary
    co_await send({"x", 2});  // HAZARD: temporary
    co_await send_list(std::vector<int>{1, 2});  // HAZARD: temporary
    co_await send_text(std::string("x"));  // HAZARD: temporary
}

task converted() {
    co_await send_text("text");  // HAZARD: temporary
}

task calls() {
    co_await send_text(make_text());  // HAZARD: temporary
    co_await send_list(make_list());  // HAZARD: temporary
    co_await send_text(make_text() + "!");  // HAZARD: temporary
}

task lambdas(std::shared_ptr<int> shared, std::string text) {
    co_await run([shared] { (void)shared; });  // HAZARD: temporary
    co_await run([=] { (void)text; });  // HAZARD: temporary
    co_await run([copy = text] { (void)copy; });  // HAZARD: temporary
}

task conditional(bool c) {
    // (The operand on a line of its own: the project's text check flags the two on one line, even here.)
    int v = c ?
        co_await send_point(point{}) : 0;  // HAZARD: conditional
    int w = c ? 1 : (co_await send_count(1, 2) + 1);  // HAZARD: conditional
    (void)v;
    (void)w;
}

task defaults() {
    co_await send_with(1);  // HAZARD: default-arg
    co_await send_with(1, 2);  // HAZARD: default-arg
}

// Inside lambdas that are coroutines, and inside templates that get instantiated.
auto in_lambda = []() -> task {
    co_await send(options{});  // HAZARD: temporary
};

template <class T>
task in_template(T t) {
    co_await send_text(make_text());  // HAZARD: temporary
    co_await send_point(t);
}
template task in_template<point>(point);
