using Marketplace.Server.Tests.Infrastructure;

namespace Marketplace.Server.Tests.Assets;

/// <summary>The asset center and the hardware unsubscribe are in the published OpenAPI document.</summary>
public sealed class AssetOpenApiTests
{
    [Fact]
    public async Task OpenApi_document_lists_the_asset_and_unsubscribe_routes()
    {
        await using var app = new MarketplaceApp();
        var doc = await (await app.CreateClient().GetAsync("/api/openapi.json")).JsonAsync();
        var paths = doc["paths"]!.AsObject();
        foreach (var route in new[]
                 {
                     "/api/assets", "/api/assets/{fileName}", "/api/assets/{assetId}", "/api/assets/{assetId}/file", "/api/assets/{assetId}/file/{fileName}",
                     "/api/products/{productId}/assets", "/api/orders/{orderId}/unsubscriptions", "/api/unsubscriptions", "/api/unsubscriptions/quota",
                     "/api/unsubscriptions/{unsubscriptionId}", "/api/unsubscriptions/{unsubscriptionId}/review", "/api/unsubscriptions/{unsubscriptionId}/return-shipment",
                     "/api/unsubscriptions/{unsubscriptionId}/inspection", "/api/unsubscriptions/{unsubscriptionId}/withdrawal",
                 })
            Assert.True(paths.ContainsKey(route), $"{route} is missing from the OpenAPI document");

        var upload = paths["/api/assets/{fileName}"]!["put"]!;
        Assert.Equal("binary", upload["requestBody"]!["content"]!["application/octet-stream"]!["schema"]!["format"]!.GetValue<string>());
        Assert.Contains(upload["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "type");
    }
}
