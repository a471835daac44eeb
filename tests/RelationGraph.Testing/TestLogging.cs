using Microsoft.Extensions.Logging;

namespace RelationGraph.Testing;

/// <summary>Test hosts log nothing unless <c>RELATIONGRAPH_TEST_LOGS=1</c>, then warnings and above on the console.</summary>
public static class TestLogging
{
    /// <summary>Applies the test logging policy to <paramref name="logging"/>.</summary>
    public static void Configure(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("RELATIONGRAPH_TEST_LOGS") is "1")
        {
            logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        }
    }
}
