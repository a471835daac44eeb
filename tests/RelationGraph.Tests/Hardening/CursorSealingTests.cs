using System.Buffers.Text;
using System.Net;
using RelationGraph.Abstractions;
using RelationGraph.Persistence;
using RelationGraph.Tests.Api;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Hardening;

/// <summary>
/// Before the fix 72 of 131 tampered cursors were accepted (flipped bits, another user's, the fans cursor on a following
/// list) and an out-of-range time answered with .NET's "Ticks must be between…". Cursors are now sealed and bound to their list.
/// </summary>
public sealed class CursorSealingTests(SiloFixture silo, PostgresFixture postgres) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task Every_single_bit_flip_of_a_cursor_is_refused_with_a_message_for_users()
    {
        var (user, cursor) = await UserWithCursorAsync();
        var bytes = Base64Url.DecodeFromChars(cursor);

        var accepted = new List<string>();
        for (var bit = 0; bit < bytes.Length * 8; bit++)
        {
            var flipped = (byte[])bytes.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            if (await StatusOfAsync($"/v1/users/{user}/following?limit=1&cursor={Base64Url.EncodeToString(flipped)}") != HttpStatusCode.BadRequest)
            {
                accepted.Add($"bit {bit}");
            }
        }

        Assert.Empty(accepted);
    }

    [Fact]
    public async Task Another_users_cursor_the_other_lists_cursor_and_truncations_are_refused()
    {
        var (user, cursor) = await UserWithCursorAsync();
        var (other, othersCursor) = await UserWithCursorAsync();
        var fansCursor = await FansCursorAsync(user);

        await AssertRefusedAsync($"/v1/users/{user}/following?limit=1&cursor={othersCursor}");
        await AssertRefusedAsync($"/v1/users/{other}/following?limit=1&cursor={cursor}");
        await AssertRefusedAsync($"/v1/users/{user}/following?limit=1&cursor={fansCursor}");
        await AssertRefusedAsync($"/v1/users/{user}/fans?limit=1&cursor={cursor}");
        for (var length = 1; length < cursor.Length; length++)
        {
            await AssertRefusedAsync($"/v1/users/{user}/following?limit=1&cursor={cursor[..length]}");
        }

        await AssertRefusedAsync($"/v1/users/{user}/following?limit=1&cursor={cursor}A");
        Assert.Single((await silo.Client.FollowingAsync(user, 1, cursor)).Items); // the genuine one still works
    }

    [Fact]
    public async Task A_cursor_of_the_old_unsealed_format_or_with_an_out_of_range_time_is_refused_in_words()
    {
        var user = silo.NewUser();
        var old = new byte[17];
        old[0] = 1;
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(old.AsSpan(1), long.MaxValue);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(old.AsSpan(9), 5);

        var problem = await AssertRefusedAsync($"/v1/users/{user}/following?cursor={Base64Url.EncodeToString(old)}");

        Assert.Contains("older version", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cursor_key_survives_a_restart_and_is_shared_by_every_silo_of_the_service()
    {
        var meta = postgres.NewDatabase("cursor_key");
        var owner = new UserId(7);
        string cursor;
        await using (var first = await StorageHost.StartAsync(meta))
        {
            cursor = first.Cursors.Seal("following", owner, new PageCursor(1, 2));
        }

        await using var second = await StorageHost.StartAsync(meta);

        Assert.Equal(new PageCursor(1, 2), second.Cursors.Open("following", owner, cursor));
        Assert.Throws<ArgumentException>(() => PageCursorCodec.Ephemeral().Open("following", owner, cursor));
    }

    [Fact]
    public async Task After_a_key_rotation_old_cursors_still_open_and_new_ones_use_the_new_key()
    {
        var codec = new PageCursorCodec();
        var (oldKey, newKey) = (Enumerable.Repeat((byte)1, 32).ToArray(), Enumerable.Repeat((byte)2, 32).ToArray());
        codec.UseKeys([(1, oldKey)]);
        var old = codec.Seal("fans", new UserId(3), new PageCursor(10, 20));

        codec.UseKeys([(1, oldKey), (2, newKey)]);
        var fresh = codec.Seal("fans", new UserId(3), new PageCursor(10, 20));
        Assert.Equal(new PageCursor(10, 20), codec.Open("fans", new UserId(3), old));
        Assert.NotEqual(old, fresh);

        codec.UseKeys([(2, newKey)]);
        Assert.Contains("expired", Assert.Throws<ArgumentException>(() => codec.Open("fans", new UserId(3), old)).Message, StringComparison.Ordinal);
        Assert.Equal(new PageCursor(10, 20), codec.Open("fans", new UserId(3), fresh));
        await Task.CompletedTask;
    }

    private async Task<(UserId User, string Cursor)> UserWithCursorAsync()
    {
        var user = silo.NewUser();
        await silo.Client.FollowAsync(user, silo.NewUser());
        await silo.Client.FollowAsync(user, silo.NewUser());
        return (user, (await silo.Client.FollowingAsync(user, 1)).NextCursor!);
    }

    private async Task<string> FansCursorAsync(UserId user)
    {
        await silo.Client.FollowAsync(silo.NewUser(), user);
        await silo.Client.FollowAsync(silo.NewUser(), user);
        return (await silo.Client.FansAsync(user, 1)).NextCursor!;
    }

    private async Task<HttpStatusCode> StatusOfAsync(string uri)
    {
        using var response = await silo.Client.GetAsync(uri, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private async Task<string> AssertRefusedAsync(string uri)
    {
        using var response = await silo.Client.GetAsync(uri, TestContext.Current.CancellationToken);
        var problem = await FollowApiTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.StartsWith("cursor ", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Ticks", detail, StringComparison.Ordinal);
        return detail;
    }
}
