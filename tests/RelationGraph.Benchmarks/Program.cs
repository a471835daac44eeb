using RelationGraph.Benchmarks;

// dotnet run -c Release --project tests/RelationGraph.Benchmarks -- rpc [--duration 3] [--silos 1,3] [--concurrency 1,8,64] [--out docs/benchmarks/rpc.jsonl]
return args.FirstOrDefault() switch
{
    "rpc" => await RoundTripBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: RelationGraph.Benchmarks rpc [--duration seconds] [--silos 1,3] [--concurrency 1,8,64] [--out file.jsonl]");
    return 2;
}
