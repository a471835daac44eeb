using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using RelationGraph.Abstractions;
using RelationGraph.Grains;

namespace RelationGraph.Tests.Grains;

public sealed class UserRateLimiterTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly RateLimitMetrics _metrics;
    private readonly MetricCollector<long> _rejections;

    public UserRateLimiterTests()
    {
        // This limiter's meter alone: silos of other test classes in this process have meters of the same name.
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        _metrics = new RateLimitMetrics(meterFactory);
        _rejections = new MetricCollector<long>(meterFactory, RateLimitMetrics.MeterName, RateLimitMetrics.Rejections);
    }

    [Fact]
    public void A_burst_passes_and_the_next_write_is_refused_with_the_time_until_a_token_returns()
    {
        var limiter = Limiter(new WriteRateLimit { Burst = 5, PerSecond = 2, PerDay = 100 });

        for (var i = 0; i < 5; i++)
        {
            limiter.Acquire(UserWriteKind.Follow);
        }

        var refused = Assert.Throws<RateLimitedException>(() => limiter.Acquire(UserWriteKind.Follow));
        Assert.Equal(TimeSpan.FromSeconds(0.5), refused.RetryAfter);
        Assert.Contains("try again in 1 s", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bucket_refills_at_the_sustained_rate()
    {
        var limiter = Limiter(new WriteRateLimit { Burst = 2, PerSecond = 1, PerDay = 100 });
        limiter.Acquire(UserWriteKind.Follow);
        limiter.Acquire(UserWriteKind.Follow);
        Assert.Throws<RateLimitedException>(() => limiter.Acquire(UserWriteKind.Follow));

        _clock.Advance(TimeSpan.FromSeconds(1));
        limiter.Acquire(UserWriteKind.Follow);
        Assert.Throws<RateLimitedException>(() => limiter.Acquire(UserWriteKind.Follow));

        _clock.Advance(TimeSpan.FromSeconds(10));
        limiter.Acquire(UserWriteKind.Follow);
        limiter.Acquire(UserWriteKind.Follow);
        Assert.Throws<RateLimitedException>(() => limiter.Acquire(UserWriteKind.Follow));
    }

    [Fact]
    public void The_daily_cap_holds_however_the_writes_are_spread()
    {
        var limiter = Limiter(new WriteRateLimit { Burst = 10, PerSecond = 10, PerDay = 25 });

        var accepted = 0;
        for (var second = 0; second < 60; second++)
        {
            for (var i = 0; i < 10; i++)
            {
                try
                {
                    limiter.Acquire(UserWriteKind.Follow);
                    accepted++;
                }
                catch (RateLimitedException)
                {
                }
            }

            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(25, accepted);
        var refused = Assert.Throws<RateLimitedException>(() => limiter.Acquire(UserWriteKind.Follow));
        Assert.True(refused.RetryAfter > TimeSpan.FromMinutes(50), $"Retry-After {refused.RetryAfter}");
    }

    [Fact]
    public void Each_kind_of_write_has_its_own_limit()
    {
        var limiter = Limiter(new WriteRateLimit { Burst = 1, PerSecond = 1, PerDay = 10 });
        limiter.Acquire(UserWriteKind.Follow);
        Assert.Throws<RateLimitedException>(() => limiter.Acquire(UserWriteKind.Follow));

        limiter.Acquire(UserWriteKind.Unfollow);
        limiter.Acquire(UserWriteKind.Block);
    }

    [Fact]
    public void A_refusal_is_counted_by_kind()
    {
        var limiter = Limiter(new WriteRateLimit { Burst = 1, PerSecond = 1, PerDay = 10 });
        limiter.Acquire(UserWriteKind.Unfollow);

        Assert.Throws<RateLimitedException>(() => limiter.Acquire(UserWriteKind.Unfollow));
        Assert.Throws<RateLimitedException>(() => limiter.Acquire(UserWriteKind.Unfollow));

        var measurements = _rejections.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.EvaluateAsCounter());
        Assert.All(measurements, m => Assert.Equal("unfollow", m.Tags["kind"]));
    }

    [Fact]
    public void Switched_off_it_refuses_nothing()
    {
        var limiter = Limiter(new WriteRateLimit { Burst = 1, PerSecond = 1, PerDay = 1 }, enabled: false);

        for (var i = 0; i < 100; i++)
        {
            limiter.Acquire(UserWriteKind.Follow);
        }
    }

    [Fact]
    public void The_activation_is_kept_only_once_a_user_wrote_more_than_a_burst_today()
    {
        var limiter = Limiter(new WriteRateLimit { Burst = 3, PerSecond = 100, PerDay = 86_400 });

        var keep = Enumerable.Range(0, 3).Select(_ => limiter.Acquire(UserWriteKind.Follow)).ToList();
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        var afterBurst = limiter.Acquire(UserWriteKind.Follow);

        Assert.All(keep, k => Assert.Equal(TimeSpan.Zero, k));
        Assert.True(afterBurst > TimeSpan.FromSeconds(3), $"keep {afterBurst}");
    }

    [Fact]
    public void A_limit_that_could_never_pass_a_write_refuses_to_start()
    {
        var options = new RateLimitOptions { FriendRequest = new WriteRateLimit { Burst = 0, PerSecond = 1, PerDay = 10 } };

        var result = new RateLimitOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("RelationGraph:RateLimits:FriendRequest", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new RateLimitOptionsValidator().Validate(null, new RateLimitOptions()).Succeeded);
    }

    public void Dispose()
    {
        _rejections.Dispose();
        _metrics.Dispose();
        _services.Dispose();
    }

    private UserRateLimiter Limiter(WriteRateLimit limit, bool enabled = true) =>
        new(new UserId(7), new RateLimitOptions { Enabled = enabled, Follow = limit, Unfollow = limit, Block = limit, FriendRequest = limit }, _metrics, _clock);
}
