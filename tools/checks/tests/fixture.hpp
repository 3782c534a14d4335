// A coroutine type and awaitables without Boost, so the checker's tests parse in well under a second.
// Shared by hazards.cpp (each hazard marked on its line) and safe.cpp (the safe spellings).
#pragma once
#include <coroutine>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct task {
    struct promise_type {
        task get_return_object() { return {}; }
        std::suspend_never initial_suspend() { return {}; }
        std::suspend_never final_suspend() noexcept { return {}; }
        void return_void() {}
        void unhandled_exception() {}
    };
};

// The awaitable has a destructor of its own: it is the awaited object, never a hazard itself.
struct op {
    bool await_ready() { return true; }
    void await_suspend(std::coroutine_handle<>) {}
    int await_resume() { return 0; }
    ~op() {}
};

struct options {  // non-trivial: holds a string
    std::string name;
    int retries = 3;
};
struct point {  // trivial
    int x = 0;
    int y = 0;
};

op send(const options& o);
op send_text(std::string text);
op send_view(std::string_view text);
op send_point(point p);
op send_list(std::vector<int> v);
op send_with(int n, options o = {});  // a class-type default argument
op send_with(int n, int retries, point p = {});  // a trivial default argument
op send_count(int n, int retries = 3);  // a scalar default argument
std::string make_text();
const std::string& text_ref();
std::vector<int> make_list();
point make_point();
template <class F>
op run(F f) { f(); return {}; }
