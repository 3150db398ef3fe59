namespace Marketplace.Server.Tests;
