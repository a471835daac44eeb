using RelationGraph.Abstractions;
using RelationGraph.Grains;
using RelationGraph.Persistence.FanBuckets;
using RelationGraph.Persistence.Outbox;

namespace RelationGraph.Tests.Buckets;

/// <summary>How a celebrity's fan copies are spread: followers over buckets, buckets over stream queues; and the settings refused.</summary>
public sealed class FanBucketRoutingTests
{
    [Fact]
    public void Followers_spread_evenly_over_the_buckets()
    {
        var perBucket = new int[16];
        for (var follower = 1L; follower <= 16_000; follower++)
        {
            perBucket[FanBucketMap.BucketOf(new UserId(follower), 16)]++;
        }

        Assert.All(perBucket, n => Assert.InRange(n, 900, 1_100));

        // Ids with empty low bits, as timestamp-first id generators hand out, spread too.
        Array.Clear(perBucket);
        for (var follower = 1L; follower <= 16_000; follower++)
        {
            perBucket[FanBucketMap.BucketOf(new UserId((1_700_000_000_000L + follower) << 22), 16)]++;
        }

        Assert.All(perBucket, n => Assert.InRange(n, 850, 1_150));
    }

    [Fact]
    public void A_celebritys_buckets_spread_over_the_queues_and_plain_streams_keep_theirs()
    {
        const long Celebrity = 12_345;
        var queues = Enumerable.Range(0, 16).Select(b => StreamQueue.QueueOf(FanBucketKey.Of(b), Celebrity, 8)).ToList();

        Assert.True(queues.Distinct().Count() >= 6, $"16 buckets used only queues {string.Join(", ", queues.Distinct())} of 8");
        Assert.Equal(StreamQueue.QueueOf(Celebrity, 8), StreamQueue.QueueOf(RedundancyOptions.FollowStream, Celebrity, 8));
        Assert.Equal(queues[3], StreamQueue.QueueOf(new StreamEvent(FanBucketKey.Of(3), Celebrity, []), 8));
    }

    [Fact]
    public void A_bucket_grains_key_is_the_stream_namespace_it_subscribes_to()
    {
        // Readers call bucket n by this key, and writes reach it by the stream namespace FanBucketMap.StreamOf gives.
        Assert.All(Enumerable.Range(0, 1024), b =>
        {
            Assert.Equal($"{RedundancyOptions.FollowStream}/{b}", FanBucketKey.Of(b));
            Assert.Matches(RedundancyOptions.FollowBucketStreams, FanBucketKey.Of(b));
        });
        Assert.DoesNotMatch(RedundancyOptions.FollowBucketStreams, RedundancyOptions.FollowStream);
    }

    [Fact]
    public void Bucket_settings_that_cannot_work_are_refused()
    {
        var validator = new FanBucketOptionsValidator();
        Assert.True(validator.Validate(null, new FanBucketOptions()).Succeeded);

        var result = validator.Validate(null, new FanBucketOptions
        {
            Threshold = 0, Buckets = 1, CheckEvery = 0, RefreshInterval = TimeSpan.Zero, ReadCacheTimeToLive = TimeSpan.FromSeconds(-1),
        });
        Assert.True(result.Failed);
        Assert.Equal(5, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("RelationGraph:FanBuckets:Buckets", StringComparison.Ordinal));
        Assert.False(validator.Validate(null, new FanBucketOptions { Buckets = 1025 }).Succeeded);
    }
}
