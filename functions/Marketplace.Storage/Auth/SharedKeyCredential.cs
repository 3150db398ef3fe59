using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Storage.Auth;

/// <summary>An account name and its base64 key; signs SharedKey strings-to-sign with HMAC-SHA256.</summary>
internal sealed class SharedKeyCredential
{
    private readonly byte[] _key;

    public SharedKeyCredential(string accountName, string base64Key)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        ArgumentException.ThrowIfNullOrEmpty(base64Key);
        AccountName = accountName;
        try
        {
            _key = Convert.FromBase64String(base64Key);
        }
        catch (FormatException e)
        {
            throw new FormatException("The storage AccountKey is not valid base64.", e);
        }
    }

    public string AccountName { get; }

    /// <summary>Base64 of HMAC-SHA256(key, UTF-8 string-to-sign).</summary>
    public string ComputeSignature(string stringToSign)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(stringToSign.Length);
        byte[]? rented = null;
        Span<byte> buffer = maxBytes <= 1024 ? stackalloc byte[1024] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var length = Encoding.UTF8.GetBytes(stringToSign, buffer);
            Span<byte> hash = stackalloc byte[32];
            HMACSHA256.HashData(_key, buffer[..length], hash);
            return Convert.ToBase64String(hash);
        }
        finally
        {
            if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
