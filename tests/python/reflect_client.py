#!/usr/bin/python3
"""A reflection-based gRPC client: it needs no .proto file, only the server's reflection service.

It asks grpc.reflection.v1alpha.ServerReflection for the service list and for the file descriptors that
define a method, builds the message classes from them at run time, and calls the method with a JSON request,
printing the JSON answers (one per line for a server stream) -- what grpcurl does, with Debian's
python3-grpcio and python3-protobuf only (grpcurl and grpcio-reflection are not packaged by Debian).

    /usr/bin/python3 tests/python/reflect_client.py 127.0.0.1:7070 list
    /usr/bin/python3 tests/python/reflect_client.py 127.0.0.1:7070 describe clipper.v1.Clipper
    /usr/bin/python3 tests/python/reflect_client.py 127.0.0.1:7070 call clipper.v1.Clipper/GetJob '{"jobId": "job-…"}'
    /usr/bin/python3 tests/python/reflect_client.py 127.0.0.1:7070 call clipper.v1.Clipper/WatchJob '{"jobId": "job-…"}'

Options: -H 'x-api-key: K' adds metadata. On an error status it prints "ERROR CODE: message" and exits 3.
"""

import json
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format

try:  # protobuf >= 4.21
    from google.protobuf.message_factory import GetMessageClass as message_class
except ImportError:  # older protobuf
    from google.protobuf import message_factory

    _factory = message_factory.MessageFactory()

    def message_class(descriptor):
        return _factory.GetPrototype(descriptor)

REFLECTION = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"


# The reflection messages are tiny: written and read here in the protobuf wire format by hand.
def _varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number, payload):
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _read_varint(data, i):
    shift = value = 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, i


def _fields(data):
    """(number, bytes) for every length-delimited field of a message; other wire types are skipped."""
    i = 0
    while i < len(data):
        key, i = _read_varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 2:
            size, i = _read_varint(data, i)
            yield number, data[i:i + size]
            i += size
        elif wire == 0:
            _, i = _read_varint(data, i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            raise ValueError("unexpected wire type %d" % wire)


class Reflector:
    def __init__(self, channel, metadata):
        self.call = channel.stream_stream(REFLECTION, request_serializer=lambda b: b, response_deserializer=lambda b: b)
        self.metadata = metadata
        self.pool = descriptor_pool.DescriptorPool()
        self.loaded = set()

    def _ask(self, request):
        responses = list(self.call(iter([request]), metadata=self.metadata))
        for number, payload in _fields(responses[0]):
            if number == 7:  # error_response
                fields = dict(_fields(payload))
                raise RuntimeError("reflection: %s" % fields.get(2, b"").decode())
            if number in (4, 6):  # file_descriptor_response, list_services_response
                return number, payload
        raise RuntimeError("reflection: no answer")

    def services(self):
        _, payload = self._ask(_field(7, b""))  # list_services = ""
        return sorted(dict(_fields(s)).get(1, b"").decode() for n, s in _fields(payload) if n == 1)

    def load(self, symbol):
        _, payload = self._ask(_field(4, symbol.encode()))  # file_containing_symbol
        files = [descriptor_pb2.FileDescriptorProto.FromString(b) for n, b in _fields(payload) if n == 1]
        pending = {f.name: f for f in files if f.name not in self.loaded}
        while pending:  # dependencies first
            for name, f in list(pending.items()):
                if all(d in self.loaded or d not in pending for d in f.dependency):
                    try:
                        self.pool.Add(f)
                    except TypeError:
                        pass
                    self.loaded.add(name)
                    del pending[name]

    def method(self, full):
        service, name = full.rsplit("/", 1)
        self.load(service)
        return self.pool.FindServiceByName(service).FindMethodByName(name)


def main(argv):
    metadata = []
    while len(argv) > 1 and argv[0] == "-H":
        key, _, value = argv[1].partition(":")
        metadata.append((key.strip().lower(), value.strip()))
        argv = argv[2:]
    if len(argv) < 2:
        print(__doc__)
        return 2
    server, command, rest = argv[0], argv[1], argv[2:]
    channel = grpc.insecure_channel(server)
    reflector = Reflector(channel, metadata)
    try:
        if command == "list":
            print("\n".join(reflector.services()))
        elif command == "describe":
            reflector.load(rest[0])
            service = reflector.pool.FindServiceByName(rest[0])
            for m in service.methods:
                print("rpc %s(%s%s) returns (%s%s)" % (m.name, "stream " if m.client_streaming else "", m.input_type.full_name,
                                                      "stream " if m.server_streaming else "", m.output_type.full_name))
        elif command == "call":
            method = reflector.method(rest[0])
            if method.client_streaming:
                print("client-streaming methods are not supported here", file=sys.stderr)
                return 2
            request_type, response_type = message_class(method.input_type), message_class(method.output_type)
            request = json_format.Parse(rest[1] if len(rest) > 1 else "{}", request_type())
            path = "/%s/%s" % (method.containing_service.full_name, method.name)
            kind = channel.unary_stream if method.server_streaming else channel.unary_unary
            call = kind(path, request_serializer=lambda m: m.SerializeToString(), response_deserializer=response_type.FromString)
            answers = call(request, metadata=metadata)
            for answer in (answers if method.server_streaming else [answers]):
                print(json.dumps(json_format.MessageToDict(answer), separators=(",", ":")))
                sys.stdout.flush()
        else:
            print("unknown command %s (list, describe, call)" % command, file=sys.stderr)
            return 2
    except grpc.RpcError as e:
        print("ERROR %s: %s" % (e.code().name, e.details()))
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
