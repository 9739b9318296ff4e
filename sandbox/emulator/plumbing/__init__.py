"""HTTP plumbing: answers and their encoders, request bodies (chunked, multipart, streamed JSON),
the Request the services read, routing tables, and the keep-alive connection that writes answers."""
