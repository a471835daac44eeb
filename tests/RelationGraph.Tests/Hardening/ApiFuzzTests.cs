using System.Diagnostics;
using System.Globalization;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Hardening;

/// <summary>
/// Generated malformed requests (paths, ids, limits, cursors, bodies, methods, keys) from a fixed seed for a few seconds,
/// on the wire to a real Kestrel: no 5xx, every 4xx is problem+json, and no edge row changes.
/// </summary>
public sealed class ApiFuzzTests(KestrelSiloFixture silo) : IClassFixture<KestrelSiloFixture>
{
    private const int Seed = 15;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(4);

    private static readonly string[] BadIds =
    [
        "0", "-1", "abc", "1e3", "9223372036854775808", "+5", "%2B5", "5%20", "%205", "0x10", "1.0", "%00", "%E2%80%8B1", "１".Replace("１", "%EF%BC%91", StringComparison.Ordinal),
        "..", "%2E%2E", ".", "%2e", "%2F", "1%2F2", "%5C", "", "null", "NaN", "99999999999999999999999", "-0", "1_000",
    ];

    private static readonly string[] BadLimits = ["+5", "%2B5", "5%20", "%205", "-1", "0", "1001", "abc", "", "5&limit=6", "1e2", "0x5", "99999999999", "%00"];

    [Fact]
    public async Task Malformed_requests_never_answer_5xx_always_answer_problem_json_and_write_nothing()
    {
        var users = Enumerable.Range(0, 6).Select(_ => silo.NewUser()).ToList();
        foreach (var user in users.Skip(1))
        {
            await silo.Client.FollowAsync(users[0], user);
            await silo.Client.FollowAsync(user, users[0]);
        }

        var cursor = (await silo.Client.FollowingAsync(users[0], 1)).NextCursor!;
        var before = await silo.EdgeFingerprintAsync();
        var random = new Random(Seed);
        var failures = new List<string>();
        var sent = 0;
        var kestrelRefusals = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Budget && sent < 5_000)
        {
            var (method, target, key, body) = Generate(random, users.Select(u => u.ToString()).ToArray(), cursor);
            var response = await silo.RawAsync(method, target, key, body, body is null ? null : "application/json");
            sent++;
            if (method is not ("GET" or "HEAD" or "OPTIONS") && response.Status < 300)
            {
                failures.Add($"{method} {target} -> {response.Status}: a malformed write was accepted: {response.Body}");
            }
            else if (response.Status >= 500)
            {
                failures.Add($"{method} {target} -> {response.Status}: {response.Body}");
            }
            else if (target.Contains("%00", StringComparison.Ordinal) && response.Status == 400 && response.Body.Length == 0)
            {
                // Kestrel itself refuses a NUL in the path, before any middleware runs, with an empty 400: the one
                // answer the application cannot shape. It still writes nothing, which the fingerprint below shows.
                kestrelRefusals++;
            }
            else if (response.Status >= 400 && response.ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) != true)
            {
                failures.Add($"{method} {target} -> {response.Status} as {response.ContentType ?? "(no content type)"}: {response.Body}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests:\n{string.Join('\n', failures.Take(20))}");
        Assert.True(sent >= 100, $"only {sent} requests in {Budget}");
        Assert.True(kestrelRefusals < sent / 10, $"{kestrelRefusals} of {sent} never reached the application");
        Assert.Equal(before, await silo.EdgeFingerprintAsync());
    }

    /// <summary>A request with at least one defect; writes always carry one that must stop them.</summary>
    private static (string Method, string Target, string? Key, string? Body) Generate(Random random, string[] users, string cursor)
    {
        string Pick(string[] from) => from[random.Next(from.Length)];
        var (a, b) = (Pick(users), Pick(users));
        var write = random.Next(2) == 0;
        string? key = TestApiKeys.Admin;
        string? body = null;
        string method;
        List<string> segments;
        var query = new List<string>();
        if (write)
        {
            method = Pick(["PUT", "DELETE", "POST", "PATCH"]);
            segments = ["v1", "users", a, "following", b];
        }
        else
        {
            method = Pick(["GET", "HEAD", "GET", "OPTIONS"]);
            segments = random.Next(4) switch
            {
                0 => ["v1", "users", a, "following"],
                1 => ["v1", "users", a, "fans"],
                2 => ["v1", "users", a, "counts"],
                _ => ["v1", "users", a, "relations", b],
            };
        }

        var trailingSlash = false;
        var defects = random.Next(1, 4);
        for (var i = 0; i < defects; i++)
        {
            switch (random.Next(write ? 9 : 11))
            {
                case 0: segments[2] = Pick(BadIds); break;
                case 1: segments[^1] = segments[^1] is "following" or "fans" or "counts" ? Pick(["followings", "FANS", "count", "%66ans"]) : Pick(BadIds); break;
                case 2: segments.Insert(random.Next(1, segments.Count), Pick(["..", ".", "%2E%2E", "%2e", ".%2E"])); break;
                case 3: segments.Insert(random.Next(1, segments.Count), ""); break;
                case 4: segments[random.Next(segments.Count)] += Pick(["%2F", "%2f..", "%5C", "\\", "%252E"]); break;
                case 5: query.Add("limit=" + Pick(BadLimits)); break;
                case 6: body = Pick(["{}", "{\"userId\":1}", "[1,2,3]", "null", "{\"a\":" + new string('[', 50), new string('x', random.Next(1, 100_000))]); break;
                case 7: key = Pick([null!, "rg_wrong", "", TestApiKeys.Writer, TestApiKeys.Reader]); break;
                case 8: if (write) { trailingSlash = true; } else { query.Add("cursor=" + MutateCursor(random, cursor)); } break;
                case 9: query.Add("cursor=" + MutateCursor(random, cursor)); break;
                default: query.Add("limit=" + random.Next(-5, 2000).ToString(CultureInfo.InvariantCulture)); break;
            }
        }

        if (write && IsStillValidWrite(segments, query, body, key, method, trailingSlash))
        {
            segments[2] = "0";
        }

        var target = "/" + string.Join('/', segments) + (trailingSlash ? "/" : "") + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        return (method, target, key, body);
    }

    /// <summary>The few defect combinations that leave a write intact (a well-formed limit on a PUT, say) get a bad id too.</summary>
    private static bool IsStillValidWrite(List<string> segments, List<string> query, string? body, string? key, string method, bool trailingSlash) =>
        method is "PUT" or "DELETE" && segments.Count == 5 && segments[0] == "v1" && segments[1] == "users" && segments[3] == "following"
        && long.TryParse(segments[2], NumberStyles.None, CultureInfo.InvariantCulture, out var a) && a > 0
        && long.TryParse(segments[4], NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b > 0
        && query.All(q => q.StartsWith("limit=", StringComparison.Ordinal) && q.Length is > 6 and <= 15 && q[6..].All(char.IsAsciiDigit)) // a write ignores a well-formed limit
        && body is null && !trailingSlash && key is TestApiKeys.Admin or TestApiKeys.Writer;

    private static string MutateCursor(Random random, string cursor)
    {
        var chars = cursor.ToCharArray();
        switch (random.Next(5))
        {
            case 0: chars[random.Next(chars.Length)] = "ABCabc012-_"[random.Next(11)]; return new string(chars);
            case 1: return cursor[..random.Next(cursor.Length)];
            case 2: return cursor + "AAAA";
            case 3: return Convert.ToBase64String(Enumerable.Range(0, random.Next(1, 60)).Select(_ => (byte)random.Next(256)).ToArray()).Replace("+", "%2B", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal).Replace("=", "%3D", StringComparison.Ordinal);
            default: return Uri.EscapeDataString(new string(chars.Reverse().ToArray()));
        }
    }
}
