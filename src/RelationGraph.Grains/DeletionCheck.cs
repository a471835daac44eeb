using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Deletion;
using RelationGraph.Persistence;

namespace RelationGraph.Grains;

/// <summary>
/// Whether a user grain's user is deleted, for its reads (its writes are refused by the shards themselves). Known once per
/// activation: read with the activation's first page (in the page's own round trip) or first other read; the user's
/// deletion tells an active grain (<see cref="MarkDeleted"/>).
/// </summary>
internal sealed class DeletionCheck(EdgeStore store, UserId user)
{
    private bool? _deleted;

    public void MarkDeleted() => _deleted = true;

    /// <summary>Throws <see cref="UserDeletedException"/> when the user is deleted.</summary>
    public async Task EnsureNotDeletedAsync()
    {
        _deleted ??= await store.IsDeletedAsync(user);
        ThrowIfDeleted();
    }

    /// <summary><paramref name="read"/>, once the user is known not to be deleted.</summary>
    public async Task<T> ReadAsync<T>(Func<Task<T>> read)
    {
        await EnsureNotDeletedAsync();
        return await read();
    }

    /// <summary>A page read by <paramref name="read"/>, which checks for the deletion itself (its argument) while that is not known yet.</summary>
    public async Task<EdgePage> ReadPageAsync(Func<bool, Task<EdgePage>> read)
    {
        ThrowIfDeleted();
        try
        {
            var page = await read(_deleted is null);
            _deleted ??= false;
            return page;
        }
        catch (UserDeletedException deleted) when (deleted.UserId == user.Value)
        {
            _deleted = true;
            throw;
        }
    }

    private void ThrowIfDeleted()
    {
        if (_deleted == true)
        {
            throw UserDeletedException.Of(user);
        }
    }
}
