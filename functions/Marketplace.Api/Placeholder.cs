namespace Marketplace.Api;
