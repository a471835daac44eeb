using RelationGraph.Benchmarks;

// dotnet run -c Release --project tests/RelationGraph.Benchmarks -- SCENARIO [--option value ...]; see Usage below.
using var stop = new StopSignal();
try
{
    return args.FirstOrDefault() switch
    {
        "rpc" => await RoundTripBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..]), stop.Token),
        "relbench" => await RelbenchBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..]), stop.Token),
        "write" => await WriteBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..]), stop.Token),
        "read" => await ReadBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..]), stop.Token),
        "mixed" => await MixedBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..]), stop.Token),
        "fanout" => await FanoutBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..]), stop.Token),
        "import" => await ImportBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..]), stop.Token),
        "memory" => await MemoryBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..]), stop.Token),
        "relations" => await RelationsBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..]), stop.Token),
        "crawl" => await CrawlBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..]), stop.Token),
        "audit" => await AuditBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..]), stop.Token),
        "deletion" => await DeletionBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..]), stop.Token),
        _ => Usage(),
    };
}
catch (UsageException exception)
{
    Console.Error.WriteLine(exception.Message);
    return Usage();
}
catch (OperationCanceledException) when (stop.Token.IsCancellationRequested)
{
    Console.Error.WriteLine("stopped");
    return 130;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: RelationGraph.Benchmarks SCENARIO [--option value ...]   (every scenario also takes --out file.jsonl)
          rpc       [--duration 3] [--silos 1,3] [--concurrency 1,8,64] [--tls both]
                    --tls off: plain TCP only, on: TLS only, both: each silo count over plain TCP, then over TLS
          relbench  [--follows 20000] [--concurrency 1,8] [--samples 2000] [--modes Sync,Stream,Cdc] [--buckets 0,16] [--bucket-after 1000] [--readers 1]
                    --buckets: fan buckets per run (0 = none); with buckets the celebrity moves in after --bucket-after fans
          write     [--concurrency 1,8,64] [--duration 5] [--rounds 3] [--users 100000] [--followees N] [--shards 4]
                    seconds per round and side; follows among --users users, followees among the first N (all);
                    --shards: shard databases the service's rows spread over, all on the run's one server
          read      [--users 100000] [--edges 1000000] [--samples 5000] [--skew zipf:1.1]
          mixed     [--users 1000000] [--edges 10000000] [--duration 60] [--rounds 6] [--concurrency 64]
                    [--activate 100000] [--skew zipf:1.1] [--data-dir DIR]
                    seconds per side in all, split into rounds; --data-dir keeps the server and its loaded graph for the next run
          fanout    [--shards 64] [--repeat 1000] [--concurrency 1]
          import    [--edges 10000000] [--users 1000000]
          memory    [--users 100000] [--concurrency 64]
                    heap and RSS per following and per fan grain activation, on an in-process silo
          relations [--rounds 20] [--single-rounds 3] [--edges 100000]
                    a batch relation check of 1,000 users vs 1,000 single checks vs Npgsql; a common-following page
          crawl     [--users 1000000] [--concurrency 64] [--bound-mb 512] [--phases unbounded,bounded]
                    one read and one follow for each of --users distinct users; silo RSS over time, Orleans' defaults
                    against RelationGraph's memory-pressure shedding under a heap bound
          audit     [--users 100000] [--edges 1000000] [--faults 1000] [--page 20000] [--duration 5]
                    unthrottled full scan vs a bare read; faults found and repaired; follows/s with the real-time check
          deletion  [--fans 100000] [--follows 1000] [--rounds 2] [--page 1000]
                    the erasure rate: a user deleted through the service vs the same walk in bare SQL
        """);
    return 2;
}
