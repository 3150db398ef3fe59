using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Marketplace.FakeSeller;

/// <summary>What the fake seller knows about one federated tenant, built from the Kit calls it accepted.</summary>
public sealed record FakeKitTenant(string TenantId)
{
    public string? Name { get; set; }
    public string? AppId { get; set; }
    public string? ClientId { get; set; }

    /// <summary>The clientSecret as decrypted with the seller's RSA private key (OAEP, SHA-256).</summary>
    public string? ClientSecret { get; set; }

    public Dictionary<string, string> Orgs { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Users { get; } = new(StringComparer.Ordinal);

    /// <summary>How many times an add actually created something (an org or a user); repeated adds do not count.</summary>
    public int Created { get; set; }

    /// <summary>How many times a delete actually removed something; repeated deletes do not count.</summary>
    public int Removed { get; set; }
}

/// <summary>
/// The Kit side of the fake (§7.7): an RSA key pair whose private half decrypts <c>clientSecret</c>, and an idempotent
/// record of tenants, orgs and users (repeated adds create nothing new, repeated deletes succeed).
/// </summary>
public sealed partial class FakeSellerServer
{
    private readonly Dictionary<string, FakeKitTenant> _kitTenants = new(StringComparer.Ordinal);
    private RSA? _kitRsa;

    /// <summary>Creates the seller's RSA key pair (default 3072 bits) and returns the public key as SubjectPublicKeyInfo PEM.</summary>
    public string CreateKitKeyPair(int bits = 3072)
    {
        var rsa = RSA.Create(bits);
        lock (_gate)
        {
            _kitRsa?.Dispose();
            _kitRsa = rsa;
        }

        return rsa.ExportSubjectPublicKeyInfoPem();
    }

    public FakeKitTenant? KitTenant(string tenantId)
    {
        lock (_gate)
        {
            return _kitTenants.GetValueOrDefault(tenantId);
        }
    }

    private FakeAnswer KitAnswer(string activity, JsonElement root)
    {
        var tenantId = Str(root, "tenantId");
        if (string.IsNullOrEmpty(tenantId)) return Result("000002", "param is invalid: tenantId is required");
        var flag = root.TryGetProperty("flag", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetInt32() : -1;
        lock (_gate)
        {
            if (!_kitTenants.TryGetValue(tenantId, out var t)) _kitTenants[tenantId] = t = new FakeKitTenant(tenantId);
            switch (activity)
            {
                case "tenantSync":
                    if (flag != 0) t.Name = Str(root, "name");
                    break;
                case "applicationSync":
                    t.AppId = Str(root, "appId");
                    t.ClientId = Str(root, "clientId");
                    if (_kitRsa is null) return Result("000001", "no private key to decrypt clientSecret");
                    try
                    {
                        t.ClientSecret = Encoding.UTF8.GetString(_kitRsa.Decrypt(Convert.FromBase64String(Str(root, "clientSecret") ?? ""), RSAEncryptionPadding.OaepSHA256));
                    }
                    catch (Exception ex) when (ex is CryptographicException or FormatException)
                    {
                        return Result("000002", "param is invalid: clientSecret cannot be decrypted");
                    }

                    break;
                case "allOrgSync":
                    if (root.TryGetProperty("orgInfoList", out var list) && list.ValueKind == JsonValueKind.Array)
                        foreach (var org in list.EnumerateArray()) AddOrg(t, Str(org, "orgCode"), Str(org, "orgName"));
                    break;
                case "singleOrgSync":
                    if (flag == 0) Remove(t.Orgs, t, Str(root, "orgCode"));
                    else AddOrg(t, Str(root, "orgCode"), Str(root, "orgName"));
                    break;
                case "authSync":
                    if (!root.TryGetProperty("userList", out var users) || users.ValueKind != JsonValueKind.Array)
                        return Result("000002", "param is invalid: userList must be an array");
                    if (users.GetArrayLength() > 500) return Result("000002", "param is invalid: more than 500 users");
                    foreach (var u in users.EnumerateArray())
                    {
                        var userName = Str(u, "userName");
                        if (userName is null) continue;
                        if (flag is 0 or 3) Remove(t.Users, t, userName);
                        else if (t.Users.TryAdd(userName, Str(u, "name") ?? "")) t.Created++;
                        else t.Users[userName] = Str(u, "name") ?? "";
                    }

                    break;
            }
        }

        return Result("000000", "success");
    }

    private static void AddOrg(FakeKitTenant t, string? orgCode, string? orgName)
    {
        if (orgCode is null) return;
        if (t.Orgs.TryAdd(orgCode, orgName ?? "")) t.Created++;
        else t.Orgs[orgCode] = orgName ?? "";
    }

    private static void Remove(Dictionary<string, string> from, FakeKitTenant t, string? key)
    {
        if (key is not null && from.Remove(key)) t.Removed++;
    }
}
