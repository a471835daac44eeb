namespace RelationGraph.Silo.Api;

/// <summary>The problem responses every API endpoint can give, as <see cref="ProblemDetailsExceptionHandler"/> maps them.</summary>
public static class ProblemResponses
{
    /// <summary>
    /// Declares 400 (bad input), 503 (a shard unavailable or overloaded) and 504 (a grain call timed out) as
    /// <c>application/problem+json</c> on every endpoint of <paramref name="builder"/>, a route group included.
    /// </summary>
    public static TBuilder WithProblemResponses<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
}
