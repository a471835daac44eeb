using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace RelationGraph.Silo.Api.Protection;

/// <summary>
/// Bounds request bodies on <c>/v1</c>: an endpoint that takes no body (no <see cref="IAcceptsMetadata"/>) refuses one
/// with 400, and one that takes a body accepts at most <see cref="ApiOptions.MaxBodyBytes"/> (413 beyond).
/// </summary>
internal sealed class BodyLimitMiddleware(RequestDelegate next, IOptions<ApiOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments("/v1", StringComparison.Ordinal))
        {
            return next(context);
        }

        var endpoint = context.GetEndpoint();
        if (endpoint is null)
        {
            return next(context);
        }

        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (endpoint.Metadata.GetMetadata<IAcceptsMetadata>() is null)
        {
            return hasBody
                ? ApiProblem.WriteAsync(context, StatusCodes.Status400BadRequest, "Unexpected body", $"{request.Method} {request.Path} takes no request body.")
                : next(context);
        }

        var limit = options.Value.MaxBodyBytes;
        if (request.ContentLength > limit)
        {
            return ApiProblem.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Body too large", $"The request body may be at most {limit} bytes.");
        }

        // A body without a declared length is cut off where the limit is (Kestrel answers 413 from the read).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        return next(context);
    }
}
