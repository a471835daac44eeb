using System.Globalization;
using Microsoft.Playwright;
using RelationGraph.Abstractions;
using RelationGraph.Testing;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Browser;

/// <summary>
/// The dashboards in a real browser: Debian's Chromium (<c>/usr/bin/chromium</c>, never a downloaded one) headless under
/// Playwright, against a two-silo cluster of real silo processes. Screenshots go to <c>artifacts/browser</c> beside the
/// test assembly and are attached to the test result.
/// </summary>
public sealed class DashboardBrowserTests(PostgresFixture postgres)
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Both_dashboards_show_the_cluster_its_lag_and_a_user_and_mark_a_killed_silo_dead()
    {
        // CI installs Chromium (.ci/run); a developer machine without it skips rather than downloading a browser.
        Assert.SkipWhen(!File.Exists(Chromium) && Environment.GetEnvironmentVariable("CI") != "true", $"{Chromium} is not installed (apt-get install chromium).");
        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts", "browser")).FullName;

        var meta = postgres.NewDatabase("browser");
        var cluster = $"browser-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string?>
        {
            ["RelationGraph:Redundancy"] = "Stream",
            ["RelationGraph:UseTls"] = "false",
            ["RelationGraph:Shards"] = "2",
            // A killed silo is voted dead within seconds, as the test cluster's silos do.
            ["RelationGraph:Membership:ProbeTimeout"] = "00:00:01",
            ["RelationGraph:Membership:NumMissedProbesLimit"] = "2",
            ["RelationGraph:Membership:NumVotesForDeathDeclaration"] = "1",
            ["RelationGraph:Membership:TableRefreshTimeout"] = "00:00:01",
            ["RelationGraph:Membership:IAmAliveTablePublishTimeout"] = "00:00:02",
        };
        foreach (var (key, value) in TestApiKeys.Settings())
        {
            settings[key] = value;
        }

        await using var first = await SiloProcess.StartAsync(meta, cluster, cluster, settings, cancellationToken: Token);
        await using var second = await SiloProcess.StartAsync(meta, cluster, cluster, settings, cancellationToken: Token);
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{first.HttpPort}") };
        api.DefaultRequestHeaders.Authorization = TestApiKeys.Bearer(TestApiKeys.Admin);
        var secondSilo = $"127.0.0.1:{second.SiloPort}";

        // Follows keep arriving while the pages are looked at, so the queues and the lag have something to show.
        using var stopWriting = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var star = new UserId(900_001);
        var writes = Enumerable.Range(0, 8).Select(worker => WriteFollowsAsync(api, worker, star, stopWriting.Token)).ToArray();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // As root (CI) Chromium refuses its sandbox.
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        Assertions.SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);

        // 1. The Orleans Dashboard: both silos, and activations of both grain types.
        var orleans = $"http://127.0.0.1:{first.HttpPort}/dashboard/";
        await page.GotoAsync(orleans + "#/silos");
        var silos = page.Locator("#content");
        await Expect(silos).ToContainTextAsync($"127.0.0.1:{first.SiloPort}@");
        await Expect(silos).ToContainTextAsync($"127.0.0.1:{second.SiloPort}@");
        await SaveAsync(page, artifacts, "1-orleans-dashboard-silos");
        await page.GotoAsync(orleans + "#/grains");
        foreach (var grainType in new[] { "FollowingGrain", "FanGrain" })
        {
            var row = page.Locator("#content tr", new() { HasText = grainType });
            await Expect(row.First).ToBeVisibleAsync();
            await WaitForAsync(page, async () => ActivationsOf(await row.First.InnerTextAsync(), grainType) > 0, $"activations of {grainType}");
        }

        await SaveAsync(page, artifacts, "2-orleans-dashboard-grains");

        // 2. RelationGraph's page, reached from the Orleans Dashboard's: queue depth and landing lag move while follows land.
        await page.GetByTestId("relationgraph-link").ClickAsync();
        await page.WaitForURLAsync($"http://127.0.0.1:{first.HttpPort}/dashboard/relationgraph");
        var queues = page.GetByTestId("redundancy-queues");
        await Expect(queues).ToContainTextAsync("outbox-0");
        // Two shards, one queue each: each silo holds the lease of one and pulls it.
        await Expect(queues).ToContainTextAsync($"127.0.0.1:{first.SiloPort}:");
        await Expect(queues).ToContainTextAsync($"127.0.0.1:{second.SiloPort}:");
        await Expect(page.GetByTestId("section-silos")).ToContainTextAsync(secondSilo);
        var landed = page.GetByTestId("redundancy-chart-1-landed");
        await WaitForAsync(page, async () => await LegendValueAsync(landed) > 0, "fan rows landing on this silo");
        var lagLine = page.Locator("[data-testid=redundancy-chart-0] polyline[data-series=p99]");
        var lagBefore = await lagLine.GetAttributeAsync("points");
        await WaitForAsync(page, async () => await lagLine.GetAttributeAsync("points") != lagBefore, "the p99 landing lag chart to move");
        var depths = new HashSet<string>();
        await WaitForAsync(page, async () =>
        {
            depths.Add(string.Join(',', await queues.Locator("tbody tr td:nth-child(5)").AllInnerTextsAsync()));
            return depths.Count > 1;
        }, "the queue depths to change");
        await SaveAsync(page, artifacts, "3-relationgraph-redundancy");

        // 3. Looking up a user: its grains' silos and its counts.
        await stopWriting.CancelAsync();
        var written = (await Task.WhenAll(writes)).Sum();
        Assert.True(written > 0);
        await page.GetByTestId("lookup-id").FillAsync(star.ToString());
        await page.GetByTestId("lookup-go").ClickAsync();
        var result = page.GetByTestId("lookup-user");
        // Its fan grain took the follows' events, on one of the two silos.
        await Expect(result.Locator("tr", new() { HasText = "silo" }).Locator("td").Nth(2)).ToContainTextAsync("S127.0.0.1:");
        // Every acknowledged follow of the star lands in its fan list; the lookup shows them once the queues drained.
        var fans = result.Locator("tr", new() { HasText = "count" }).Locator("td").Nth(2);
        await WaitForAsync(page, async () =>
        {
            await page.GetByTestId("lookup-go").ClickAsync();
            await Expect(result).ToBeVisibleAsync();
            return (await fans.InnerTextAsync()).Trim() == written.ToString(CultureInfo.InvariantCulture);
        }, $"the lookup to show {star}'s {written} fans");
        await SaveAsync(page, artifacts, "4-relationgraph-lookup");

        // 4. A killed silo is marked dead.
        await second.KillAsync();
        await Expect(page.GetByTestId("section-silos").Locator("tr", new() { HasText = secondSilo })).ToContainTextAsync("Dead", new() { Timeout = (float)Patience.TotalMilliseconds });
        await SaveAsync(page, artifacts, "5-relationgraph-silo-dead");
        // The Orleans Dashboard lists active silos only: the dead one leaves its table, the survivor stays.
        await page.GotoAsync(orleans + "#/silos");
        await Expect(page.Locator("#content tr", new() { HasText = $"127.0.0.1:{first.SiloPort}@" }).First).ToContainTextAsync("Active");
        await Expect(page.Locator("#content tr", new() { HasText = $"127.0.0.1:{second.SiloPort}@" })).ToHaveCountAsync(0);
        await SaveAsync(page, artifacts, "6-orleans-dashboard-silo-gone");
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    /// <summary>
    /// Follows of <paramref name="star"/> (and of each other) by fresh users until <paramref name="stop"/>; how many of the
    /// star were acknowledged. A request once sent is seen through, so that count is exact.
    /// </summary>
    private static async Task<int> WriteFollowsAsync(HttpClient api, int worker, UserId star, CancellationToken stop)
    {
        await Task.Yield();
        var done = 0;
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var fan = 100_000 + (worker * 100_000) + i;
            using var follow = await api.PutAsync($"/v1/users/{fan}/following/{star}", null, CancellationToken.None);
            follow.EnsureSuccessStatusCode();
            done++;
            using var other = await api.PutAsync($"/v1/users/{fan}/following/{fan + 1}", null, CancellationToken.None);
            other.EnsureSuccessStatusCode();
        }

        return done;
    }

    /// <summary>The activations column of a row of the Orleans Dashboard's "Activations by Type" table.</summary>
    private static int ActivationsOf(string row, string grainType) =>
        row.Replace(grainType, "", StringComparison.Ordinal).Split(['\t', '\n', ' '], StringSplitOptions.RemoveEmptyEntries)
            .Select(cell => int.TryParse(cell, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1).FirstOrDefault(n => n >= 0);

    private static async Task<double> LegendValueAsync(ILocator legend)
    {
        var text = await legend.InnerTextAsync();
        var value = text.Split(':', 2)[1].Trim().Split(' ')[0];
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : 0;
    }

    private static async Task WaitForAsync(IPage page, Func<Task<bool>> condition, string description)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Waited {Patience.TotalSeconds:0} s for {description}.");
            // The page refreshes itself every 1.5 s; look again after its next refresh.
            await page.WaitForTimeoutAsync(500);
        }
    }

    private static async Task SaveAsync(IPage page, string directory, string name)
    {
        var path = Path.Combine(directory, $"{name}.png");
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.AddAttachment(name, png, "image/png");
    }
}
