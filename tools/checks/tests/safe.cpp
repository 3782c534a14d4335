// The safe spellings of every hazard in hazards.cpp: the checker must report nothing here.
#include "fixture.hpp"

task named(bool c, std::shared_ptr<int> shared, std::string text) {
    const options opts{"x"};  // the temporary named on its own line first
    co_await send(opts);
    std::string s = make_text();
    co_await send_text(std::move(s));  // a move of a named object
    co_await send_text(text);  // a copy of a named object
    co_await send_text(text_ref());  // a reference, not a temporary
    co_await send_view("text");  // a string_view is trivially destructible
    co_await send_point(point{1, 2});  // a trivial braced temporary
    co_await send_point(make_point());  // a trivial result
    co_await send_point({});
    auto task_fn = [shared] { (void)shared; };  // the lambda named first
    co_await run(task_fn);
    co_await run([&shared] { (void)shared; });  // captures by reference only
    co_await run([this_text = &text] { (void)this_text; });  // a pointer copy is trivial
    int v = 0;  // if/else instead of ?:
    if (c)
        v = co_await send_point(point{});
    int w = c ? 1 : 2;  // ?: without co_await
    (void)v;
    (void)w;
    const options defaults{};  // the argument given, not defaulted
    co_await send_with(1, defaults);
    co_await send_count(1);  // a scalar default argument
    // co_await send(options{"in a comment"});
}

// Not a coroutine: temporaries and ?: are fine where nothing is awaited.
op plain(bool c) { return c ? send(options{"x"}) : send_with(1); }
