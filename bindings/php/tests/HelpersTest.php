<?php

declare(strict_types=1);

namespace Sello\Tests;

use PHPUnit\Framework\TestCase;
use Sello\Abi;
use Sello\Exception\ValidationException;
use Sello\Result;
use Sello\Sello;

/**
 * The local helpers through the binding: one call of each, the Result, the problems of an
 * exception (their rules are tested through the .so in Tests/python/test_local_helpers.py).
 */
final class HelpersTest extends TestCase
{
    public function testVersionAndAbi(): void
    {
        self::assertSame(Abi::VERSION, Sello::version());      // Abi: include/sello.h's numbers
        self::assertSame(Abi::ABI_VERSION, Sello::abiVersion());
        self::assertSame(Sello::ABI_VERSION, Sello::abiVersion());
        self::assertStringEndsWith('libsello.so', Sello::libraryPath());
    }

    public function testCheckRutNormalises(): void
    {
        $result = Sello::checkRut('12.345.678-5');
        self::assertInstanceOf(Result::class, $result);
        self::assertSame(['valid' => true, 'normalized' => '12345678-5', 'formatted' => '12.345.678-5',
                          'body' => 12345678, 'check_digit' => '5'], $result->data);
        self::assertSame('12345678-5', Sello::checkRut('123456785')['normalized']);
        self::assertSame(0, $result->attempts());
    }

    public function testFindComuna(): void
    {
        $result = Sello::findComuna('los angeles');
        self::assertSame('08301', $result['cut']);
        self::assertSame('CL-BI', $result['region']['iso_code']);
    }

    public function testCheckRfc(): void
    {
        $result = Sello::checkRfc('AAA010101AAA');
        self::assertTrue($result['valid']);
        self::assertSame('moral', $result['type']);
        self::assertSame('2001-01-01', $result['date']);
    }

    public function testFesCheckRequestMasksTheSecrets(): void
    {
        $result = Sello::fesCheckRequest(SandboxTestCase::FES_REQUEST);
        $body = $result['request'];
        self::assertSame(['usuario' => '***', 'clave' => '***'], $body['encabezado']);
        self::assertSame('***', $body['parametro']['claveCertificado']);
        self::assertSame('19371037-9', $body['parametro']['rut']);
    }

    public function testFesCheckRequestListsEveryProblem(): void
    {
        try {
            Sello::fesCheckRequest(['rut' => '19.371.037-9']);
            self::fail('no exception');
        } catch (ValidationException $e) {
            self::assertSame(['REQUEST_INCOMPLETO', 109], [$e->errorCode(), $e->serviceCode()]);
            $fields = array_column($e->problems(), 'field');
            self::assertContains('correo', $fields);
            self::assertContains('giroEmpresa', $fields);
        }
    }

    public function testTheResultReadsLikeItsData(): void
    {
        $result = Sello::checkRut('12.345.678-5');
        self::assertTrue(isset($result['normalized']));
        self::assertFalse(isset($result['missing']));
        self::assertCount(5, $result);
        self::assertSame($result->data, iterator_to_array($result));
        self::assertSame('sello', $result->meta['service']);
        self::assertSame($result->envelope, json_decode(json_encode($result), true));
        $this->expectException(\LogicException::class);
        $result['valid'] = false;
    }

    /**
     * isset() on a Result is isset() on its data: false for a member whose value is null (e.g.
     * fv_create_contract_express's sContractID with CONTRACT_ID_MISSING), as for the array; reading
     * that member still gives null, and a missing one still throws.
     */
    public function testIssetOnAResultIsFalseForANullMember(): void
    {
        $data = ['sContractID' => null, 'sStatus' => 'CREATED'];
        $result = Result::unwrap(['ok' => true, 'data' => $data, 'meta' => []]);
        self::assertFalse(isset($result['sContractID']));
        self::assertSame(isset($result->data['sContractID']), isset($result['sContractID']));
        self::assertTrue(empty($result['sContractID']));
        self::assertSame('none', $result['sContractID'] ?? 'none');
        self::assertTrue(isset($result['sStatus']));
        self::assertNull($result['sContractID']);
        self::assertArrayHasKey('sContractID', $result->data);
        $this->expectException(\OutOfBoundsException::class);
        $result['missing'];
    }
}
