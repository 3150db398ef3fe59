namespace Marketplace.Core.Kit;

/// <summary>
/// The authorized users of each enterprise binding, one record per user (not in the binding's snapshot, which would
/// otherwise grow with every user). Each user's record remembers the call number (<see cref="KitUserChange.Seq"/>) of
/// the batch that wrote it last, and an older batch never overwrites a newer one: the batches of a binding may be
/// applied twice or out of order (after the commit, and again from the outbox) and the result is the same.
/// Deleted and revoked users keep a record marked removed, for the same reason.
/// </summary>
public interface IKitUserDirectory
{
    Task ApplyAsync(KitUserChange change, CancellationToken ct);

    /// <summary>The authorized users among <paramref name="userNames"/>, by userName.</summary>
    Task<IReadOnlyDictionary<string, KitUser>> FindAsync(string bindingId, IReadOnlyCollection<string> userNames, CancellationToken ct);

    /// <summary>The authorized users of the binding, ordered by userName.</summary>
    Task<IReadOnlyList<KitUser>> ListAsync(string bindingId, CancellationToken ct);
}
