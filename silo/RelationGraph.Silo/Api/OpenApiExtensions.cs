using Microsoft.OpenApi;
using RelationGraph.Abstractions;
using Scalar.AspNetCore;

namespace RelationGraph.Silo.Api;

/// <summary>The OpenAPI document of the REST API (<c>/openapi/v1.json</c>) and its browsable reference (<c>/scalar/v1</c>).</summary>
public static class OpenApiExtensions
{
    /// <summary>The document's name, which is also its path segment.</summary>
    public const string DocumentName = "v1";

    /// <summary>The reference page's path.</summary>
    public const string ReferencePath = "/scalar";

    /// <summary>
    /// Documents the versioned API (routes under <c>/v1</c>): ids as positive 64-bit integers, bad input and outages as
    /// problem details (the conventions of <see cref="ProblemResponses"/>).
    /// </summary>
    public static IHostApplicationBuilder AddRelationGraphOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("v1/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "RelationGraph";
                document.Info.Description = "Follow, unfollow, list and count a user's relations. Errors answer as application/problem+json.";
                return Task.CompletedTask;
            });
            // A UserId travels as a JSON number and a decimal path segment, not as the struct it is in C#.
            options.AddSchemaTransformer((schema, context, _) =>
            {
                if (IsUserId(context.JsonTypeInfo.Type) || IsUserId(context.ParameterDescription?.Type))
                {
                    schema.Type = JsonSchemaType.Integer;
                    schema.Format = "int64";
                    schema.Minimum = "1";
                    schema.Properties?.Clear();
                    schema.Pattern = null;
                    schema.Description = "A user id: an integer from 1 to 2^63-1.";
                }

                return Task.CompletedTask;
            });
        });
        return builder;
    }

    private static bool IsUserId(Type? type) => type == typeof(UserId) || type == typeof(UserId?);

    /// <summary>Maps the document at <c>/openapi/v1.json</c> and the reference page at <see cref="ReferencePath"/>/v1, served from the silo (no CDN).</summary>
    public static IEndpointRouteBuilder MapRelationGraphOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi();
        endpoints.MapScalarApiReference(ReferencePath, options => options.WithTitle("RelationGraph API"));
        return endpoints;
    }
}
