using System.Threading.Channels;
using Marketplace.Core.Persistence;
using Marketplace.Core.Scheduling;
using Marketplace.Core.Work;

namespace Marketplace.Server.Work;

/// <summary>
/// Relays committed outbox rows to the work queue right after the commit, off the request path, and at start-up
/// recovers rows left behind by a process that died between its commit and the send.
/// </summary>
public sealed class OutboxPump(OutboxRelay relay, IEnumerable<StoredKind> kinds, TimeProvider time, ILogger<OutboxPump> logger)
    : BackgroundService, IOutboxDispatcher
{
    private const int MaxAttempts = 10;

    private readonly Channel<(string Kind, string Id, OutboxMessage Message)> _channel =
        Channel.CreateUnbounded<(string, string, OutboxMessage)>(new UnboundedChannelOptions { SingleReader = false });

    public void Dispatch(string kind, string aggregateId, IReadOnlyList<OutboxMessage> messages)
    {
        foreach (var m in messages) _channel.Writer.TryWrite((kind, aggregateId, m));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var recovered = await relay.RecoverAsync(kinds.Select(k => k.Kind).Distinct(), stoppingToken);
            if (recovered > 0) logger.LogInformation("Recovered {Count} outbox messages left by an earlier run", recovered);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Outbox recovery failed; pending rows will be retried at the next start");
        }

        await Parallel.ForEachAsync(_channel.Reader.ReadAllAsync(stoppingToken), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = stoppingToken },
            async (item, ct) =>
            {
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await relay.RelayAsync(item.Kind, item.Id, item.Message, ct);
                        return;
                    }
                    catch (Exception ex) when (!ct.IsCancellationRequested && attempt < MaxAttempts)
                    {
                        logger.LogWarning(ex, "Relaying outbox message {MessageId} of {Kind} {Id} failed (attempt {Attempt})", item.Message.MessageId, item.Kind, item.Id, attempt);
                        await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), time, ct);
                    }
                    catch (Exception ex) when (!ct.IsCancellationRequested)
                    {
                        // One message that cannot be relayed must not end the pump: an exception escaping ExecuteAsync
                        // stops the whole host. The row stays in storage; the next start's recovery relays it.
                        logger.LogError(ex, "Relaying outbox message {MessageId} of {Kind} {Id} failed {Attempts} times; it stays stored until the next start",
                            item.Message.MessageId, item.Kind, item.Id, attempt);
                        return;
                    }
                }
            });
    }
}
