using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Marketplace.Core.Work;
using Marketplace.Storage.Work;
using Microsoft.Extensions.Configuration;

namespace Marketplace.Functions.Work;

/// <summary>
/// The work queue on Service Bus (queue <c>WorkQueueName</c>, default <c>seller-calls</c>), read by
/// <see cref="WorkQueueFunction"/>. The connection is the one the trigger uses (<c>ServiceBus</c>): a connection
/// string locally, or <c>ServiceBus__fullyQualifiedNamespace</c> in Azure, reached with the managed identity
/// (<see cref="DefaultAzureCredential"/>; <c>AZURE_CLIENT_ID</c> names the user-assigned identity). The body is the
/// work item as JSON, the same as on the server's Storage queue. Outbox messages carry a stable MessageId, so the
/// queue's duplicate detection drops a relay repeated after a crash.
/// </summary>
public sealed class ServiceBusWorkQueue : IWorkQueue, IAsyncDisposable
{
    public const string DefaultQueueName = "seller-calls";

    private readonly ServiceBusClient _client;
    private readonly ServiceBusSender _sender;

    public ServiceBusWorkQueue(IConfiguration config)
    {
        var connection = config.GetSection("ServiceBus");
        _client = !string.IsNullOrWhiteSpace(connection.Value)
            ? new ServiceBusClient(connection.Value)
            : new ServiceBusClient(
                connection["fullyQualifiedNamespace"] ?? throw new InvalidOperationException("Set ServiceBus__fullyQualifiedNamespace (Azure) or the ServiceBus connection string (local)."),
                new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = connection["clientId"] ?? config["AZURE_CLIENT_ID"] }));
        _sender = _client.CreateSender(config["WorkQueueName"] is { Length: > 0 } name ? name : DefaultQueueName);
    }

    public Task EnqueueAsync(WorkItem item, CancellationToken ct)
    {
        var message = new ServiceBusMessage(JsonSerializer.Serialize(item, WorkQueueClient.Json))
        {
            ContentType = "application/json",
            Subject = $"{item.Type}/{item.Kind}",
        };
        if (item.MessageId is not null) message.MessageId = StableId($"{item.Kind}:{item.Id}:{item.MessageId}");
        return _sender.SendMessageAsync(message, ct);
    }

    /// <summary>Service Bus message ids hold at most 128 characters: longer ones become their SHA-256.</summary>
    private static string StableId(string id) =>
        id.Length <= 128 ? id : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));

    public async ValueTask DisposeAsync()
    {
        await _sender.DisposeAsync();
        await _client.DisposeAsync();
    }
}
