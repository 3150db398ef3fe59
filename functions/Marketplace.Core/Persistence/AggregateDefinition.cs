using System.Text.Json;
using Marketplace.Core.Common;

namespace Marketplace.Core.Persistence;

/// <summary>
/// What the generic runner needs to know about one aggregate type: its storage kind, how events apply, how the
/// state reads on the timeline, which deadline it carries, which outbox messages an event causes and which
/// tags make it findable. Each capability declares one of these beside its pure rules.
/// </summary>
public sealed class AggregateDefinition<TState, TEvent>
    where TState : class
    where TEvent : IDomainEvent
{
    public required string Kind { get; init; }
    public required Func<TState?, TEvent, TState> Apply { get; init; }
    public required Func<TState, string?> StateName { get; init; }
    public Func<TState, DateTimeOffset?> NextDeadline { get; init; } = _ => null;

    /// <summary>Messages to other aggregates or to sellers, written atomically with the event that caused them.</summary>
    public Func<TState, TEvent, IEnumerable<(string Topic, object Payload)>> Outbox { get; init; } = (_, _) => [];

    public Func<TState, IReadOnlyDictionary<string, string>> Tags { get; init; } = _ => new Dictionary<string, string>();

    /// <summary>Optional timer step: what time alone does to the state at <c>now</c> (must be idempotent).</summary>
    public Func<TState, DateTimeOffset, Decision<TEvent>>? Tick { get; init; }

    public JsonSerializerOptions Json { get; init; } = CoreJson.Options;
}

public static class CoreJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// <see cref="Options"/> with only the escaping JSON requires (<c>\"</c>, <c>\\</c>, control characters): for
    /// aggregates that store long request bodies, where the default escaping (<c>"</c> as <c>\u0022</c>, every non-ASCII
    /// character as <c>\uXXXX</c>) makes a stored copy up to six times longer. Storage only, never HTML.
    /// </summary>
    public static readonly JsonSerializerOptions Compact = new(Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
