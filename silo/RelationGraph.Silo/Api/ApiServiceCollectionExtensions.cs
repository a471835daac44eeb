using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.WebUtilities;
using RelationGraph.Client;

namespace RelationGraph.Silo.Api;

/// <summary>Registers what the REST API needs: problem details for every error, its JSON conventions and the fan page routing.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>Adds problem details, the exception-to-status mapping, UTC timestamps in JSON and the <see cref="FanPageRouter"/>.</summary>
    public static IHostApplicationBuilder AddRelationGraphApi(this IHostApplicationBuilder builder)
    {
        // Status-code pages (404, 405) carry no detail of their own; every problem says what went wrong in words.
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c => c.ProblemDetails.Detail ??=
            $"{c.HttpContext.Request.Method} {c.HttpContext.Request.Path}: {ReasonPhrases.GetReasonPhrase(c.HttpContext.Response.StatusCode)}.");
        builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        // Binding failures (a non-numeric id or limit) throw, so they reach the handler and answer as problem+json.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new UtcTimestampJsonConverter()));
        builder.Services.AddSingleton<FanPageRouter>();
        return builder;
    }
}
