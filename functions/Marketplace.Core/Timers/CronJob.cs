namespace Marketplace.Core.Timers;

/// <summary>
/// A job run on a cron schedule (six fields, seconds first, as Azure Functions timer triggers) in a time zone.
/// A run receives the occurrence it stands for; a job must catch up everything due up to then (e.g. every
/// unsealed period), so one run after downtime covers all missed occurrences.
/// </summary>
public interface ICronJob
{
    string Name { get; }
    string Schedule { get; }
    TimeZoneInfo TimeZone { get; }
    Task RunAsync(DateTimeOffset occurrence, CancellationToken ct);
}

/// <summary>Remembers the last occurrence each job completed, so a restarted host knows what it missed.</summary>
public interface ICronStateStore
{
    Task<DateTimeOffset?> LastRunAsync(string job, CancellationToken ct);
    Task SaveLastRunAsync(string job, DateTimeOffset occurrence, CancellationToken ct);
}
