// Benchmark (not a test): rows/s of UNLOAD to gzip CSV and COPY from gzip CSV through localaws's
// executors, beside PostgreSQL's own COPY … TO STDOUT / FROM STDIN on the same table in the same
// run (the physical limit here: every localaws row also goes through that COPY). For each COPY
// FROM it also shows the PostgreSQL backend's time on a CPU and its time idle, waiting for rows
// (wall time minus running and runnable, from /proc/<pid>/schedstat): idle time is what the
// client's own work costs the load, and it is measurable even on a machine busy with other work.
//
//   localaws_redshift_bench [rows]      (default 5,000,000)
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "tools/localaws/redshift/bulk/copy.hpp"
#include "tools/localaws/redshift/bulk/unload.hpp"
#include "tools/localaws/redshift/testing/directory_object_store.hpp"
#include "tools/localaws/redshift/testing/test_cluster.hpp"

namespace pg = localaws::redshift::pg;
namespace bulk = localaws::redshift::bulk;
namespace dialect = localaws::redshift::dialect;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void check(const std::string& error, const char* what) {
    if (!error.empty()) {
        std::fprintf(stderr, "%s: %s\n", what, error.c_str());
        std::exit(1);
    }
}

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// A process's time on a CPU and waiting for one (runnable), in seconds; sleeping is the rest.
struct sched_times {
    double running = 0, runnable = 0;
};

sched_times sched_of(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/schedstat");
    double running_ns = 0, runnable_ns = 0;
    in >> running_ns >> runnable_ns;
    return {running_ns / 1e9, runnable_ns / 1e9};
}

// The backend's share of one COPY FROM: CPU seconds, and seconds idle for want of rows.
struct backend_use {
    double cpu = 0, idle = 0;
};

backend_use backend_during(int pid, const sched_times& before, double wall) {
    const sched_times after = sched_of(pid);
    const double cpu = after.running - before.running;
    return {cpu, std::max(0.0, wall - cpu - (after.runnable - before.runnable))};
}

}  // namespace

int main(int argc, char** argv) {
    const long rows = argc > 1 ? std::atol(argv[1]) : 5'000'000;
    localaws::redshift::testing::test_cluster cluster;
    check(cluster.start(), "start PostgreSQL");
    std::string error;
    auto conn = pg::connection::open(cluster.get().conninfo("postgres"), error);
    check(error, "connect");
    std::printf("creating a %ld-row table (int, bigint, numeric(12,2), varchar, date, timestamp)...\n", rows);
    check(conn->run("CREATE TABLE src AS SELECT i AS id, i::int8 * 31 AS big, (i / 100.0)::numeric(12,2) AS amount, "
                    "('customer-' || i)::varchar(40) AS name, date '2020-01-01' + (i % 1000) AS day, "
                    "timestamp '2020-01-01' + i * interval '1 second' AS at FROM generate_series(1, " +
                        std::to_string(rows) + ") AS i; CREATE TABLE dst_pg (LIKE src); CREATE TABLE dst_rs (LIKE src)"),
          "create table");
    // Hint bits and the visibility map set now, so that no measured pass pays for the first scan.
    check(conn->run("VACUUM (FREEZE, ANALYZE) src"), "vacuum");
    check(conn->run("CHECKPOINT"), "checkpoint");

    // PostgreSQL's own COPY TO STDOUT, bytes kept to feed its COPY FROM STDIN afterwards.
    pg::command_status status;
    auto copy_out = [&](const char* format, std::string& data) {
        auto start = std::chrono::steady_clock::now();
        conn->exec(std::string("COPY src TO STDOUT WITH (FORMAT ") + format + ")", status);
        char* buffer = nullptr;
        int length = 0;
        while ((length = PQgetCopyData(conn->native(), &buffer, 0)) > 0) {
            data.append(buffer, static_cast<std::size_t>(length));
            PQfreemem(buffer);
        }
        while (pg::result_ptr r{PQgetResult(conn->native())}) {
        }
        return seconds_since(start);
    };
    const int backend = conn->backend_pid();
    auto copy_in = [&](const char* format, const std::string& data, backend_use& use) {
        check(conn->run("TRUNCATE dst_pg"), "truncate");
        const sched_times before = sched_of(backend);
        auto start = std::chrono::steady_clock::now();
        conn->exec(std::string("COPY dst_pg FROM STDIN WITH (FORMAT ") + format + ")", status);
        for (std::size_t at = 0; at < data.size(); at += 256 * 1024) {
            std::size_t n = std::min<std::size_t>(256 * 1024, data.size() - at);
            PQputCopyData(conn->native(), data.data() + at, static_cast<int>(n));
        }
        PQputCopyEnd(conn->native(), nullptr);
        while (pg::result_ptr r{PQgetResult(conn->native())}) {
        }
        const double seconds = seconds_since(start);
        use = backend_during(backend, before, seconds);
        return seconds;
    };
    std::string csv, text;
    const double pg_out = copy_out("csv", csv);
    copy_out("text", text);
    backend_use pg_in_use, pg_in_text_use, rs_in_use;
    const double pg_in = copy_in("csv", csv, pg_in_use);
    const double pg_in_text = copy_in("text", text, pg_in_text_use);
    const std::size_t csv_bytes = csv.size();
    csv = std::string();
    text = std::string();
    auto start = std::chrono::steady_clock::now();

    localaws::redshift::testing::directory_object_store store(cluster.dir() / "s3");
    store.create_bucket("bench");
    bulk::environment env;
    env.store = &store;
    env.default_iam_role = "arn:aws:iam::111122223333:role/bench";

    dialect::unload_command unload;
    unload.query = "select * from src";
    unload.to = {"bench", "run/src_"};
    unload.iam_role = "default";
    unload.format = dialect::unload_format::csv;
    unload.compress = dialect::compression::gzip;
    unload.manifest = true;
    start = std::chrono::steady_clock::now();
    double cpu = cpu_seconds();
    bulk::outcome u = bulk::run_unload(*conn, unload, env);
    const double rs_out = seconds_since(start);
    const double rs_out_cpu = cpu_seconds() - cpu;
    check(u.ok ? "" : u.message, "UNLOAD");
    std::uint64_t gz_bytes = 0;
    for (const auto& o : store.list("bench", "run/src_0")) gz_bytes += o.size;

    dialect::copy_command copy;
    copy.table = "dst_rs";
    copy.from = {"bench", "run/src_manifest"};
    copy.iam_role = "default";
    copy.format = dialect::copy_format::csv;
    copy.compress = dialect::compression::gzip;
    copy.manifest = true;
    const sched_times before_copy = sched_of(backend);
    start = std::chrono::steady_clock::now();
    cpu = cpu_seconds();
    bulk::outcome c = bulk::run_copy(*conn, copy, env, {});
    const double rs_in = seconds_since(start);
    rs_in_use = backend_during(backend, before_copy, rs_in);
    const double rs_in_cpu = cpu_seconds() - cpu;
    check(c.ok ? "" : c.message, "COPY");
    if (c.rows != rows || u.rows != rows) check("row counts differ", "verify");

    auto per_second = [&](double s) { return static_cast<double>(rows) / s; };
    std::printf("\n%-46s %12s %10s\n", "", "rows/s", "seconds");
    std::printf("%-46s %12.0f %10.2f\n", "PostgreSQL COPY TO STDOUT (csv)", per_second(pg_out), pg_out);
    std::printf("%-46s %12.0f %10.2f   %.2fx PostgreSQL\n", "localaws UNLOAD -> gzip CSV, 2 slices, manifest",
                per_second(rs_out), rs_out, pg_out / rs_out);
    std::printf("%-46s %12.0f %10.2f   backend CPU %.2f s, idle %.2f s\n", "PostgreSQL COPY FROM STDIN (csv)",
                per_second(pg_in), pg_in, pg_in_use.cpu, pg_in_use.idle);
    std::printf("%-46s %12.0f %10.2f   backend CPU %.2f s, idle %.2f s\n", "PostgreSQL COPY FROM STDIN (text)",
                per_second(pg_in_text), pg_in_text, pg_in_text_use.cpu, pg_in_text_use.idle);
    std::printf("%-46s %12.0f %10.2f   %.2fx PostgreSQL; backend CPU %.2f s, idle %.2f s\n",
                "localaws COPY <- gzip CSV via manifest", per_second(rs_in), rs_in, pg_in / rs_in, rs_in_use.cpu,
                rs_in_use.idle);
    std::printf("\nlocalaws process CPU: UNLOAD %.2f s, COPY %.2f s (PostgreSQL's backend works in parallel)\n",
                rs_out_cpu, rs_in_cpu);
    std::printf("csv %.1f MB, gzip files %.1f MB (ratio %.2f)\n", static_cast<double>(csv_bytes) / 1e6,
                static_cast<double>(gz_bytes) / 1e6, static_cast<double>(gz_bytes) / static_cast<double>(csv_bytes));
    return 0;
}
