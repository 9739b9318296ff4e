<?php

declare(strict_types=1);

namespace Sello\Tests;

use PHPStan\PhpDocParser\Ast\PhpDoc\InvalidTagValueNode;
use PHPStan\PhpDocParser\Ast\PhpDoc\PhpDocNode;
use PHPStan\PhpDocParser\Ast\Type\ArrayShapeNode;
use PHPStan\PhpDocParser\Ast\Type\GenericTypeNode;
use PHPStan\PhpDocParser\Ast\Type\IdentifierTypeNode;
use PHPStan\PhpDocParser\Ast\Type\TypeNode;
use PHPStan\PhpDocParser\Ast\Type\UnionTypeNode;
use PHPStan\PhpDocParser\Lexer\Lexer;
use PHPStan\PhpDocParser\Parser\ConstExprParser;
use PHPStan\PhpDocParser\Parser\PhpDocParser;
use PHPStan\PhpDocParser\Parser\TokenIterator;
use PHPStan\PhpDocParser\Parser\TypeParser;
use PHPUnit\Framework\TestCase;
use Sello\Cfdi;
use Sello\Fes;
use Sello\FirmaVirtual;
use Sello\Result;
use Sello\Sello;

/**
 * Every public method of the clients and of Sello documents its request (and configuration) as
 * an array shape and its result as Result<shape>, in phpdoc that PHPStan's own parser reads
 * (Debian's php-phpstan-phpdoc-parser; `make test` installs it).
 */
final class PhpDocTest extends TestCase
{
    public static function setUpBeforeClass(): void
    {
        $autoload = stream_resolve_include_path('PHPStan/PhpDocParser/autoload.php');
        if ($autoload === false) {
            throw new \RuntimeException('apt-get install php-phpstan-phpdoc-parser (make test does it as root)');
        }
        require_once $autoload;
    }

    /** @return iterable<string, array{class-string, string}> */
    public static function publicMethods(): iterable
    {
        foreach ([Fes::class, Cfdi::class, FirmaVirtual::class, Sello::class] as $class) {
            foreach ((new \ReflectionClass($class))->getMethods(\ReflectionMethod::IS_PUBLIC) as $method) {
                if ($method->getDeclaringClass()->getName() === $class) {
                    yield $class . '::' . $method->getName() => [$class, $method->getName()];
                }
            }
        }
    }

    private static function parse(string $doc): PhpDocNode
    {
        $constants = new ConstExprParser();
        $parser = new PhpDocParser(new TypeParser($constants), $constants);
        return $parser->parse(new TokenIterator((new Lexer())->tokenize($doc)));
    }

    /**
     * @dataProvider publicMethods
     * @param class-string $class
     */
    public function testRequestsAndResultsHaveArrayShapes(string $class, string $name): void
    {
        $method = new \ReflectionMethod($class, $name);
        $where = "$class::$name";
        $doc = $method->getDocComment();
        self::assertIsString($doc, "$where has no docblock");
        $node = self::parse($doc);
        foreach ($node->getTags() as $tag) {
            self::assertNotInstanceOf(InvalidTagValueNode::class, $tag->value, "$where: $tag does not parse");
        }
        foreach ($method->getParameters() as $parameter) {
            if ((string) $parameter->getType() !== 'array') {
                continue;
            }
            $tags = array_values(array_filter(
                $node->getParamTagValues(),
                static fn ($tag): bool => $tag->parameterName === '$' . $parameter->getName()
            ));
            self::assertCount(1, $tags, "$where: no @param for \${$parameter->getName()}");
            self::assertInstanceOf(ArrayShapeNode::class, $tags[0]->type, "$where: \${$parameter->getName()}");
        }
        $returnType = $method->getReturnType();
        if ($returnType instanceof \ReflectionNamedType && $returnType->getName() === Result::class) {
            $returns = $node->getReturnTagValues();
            self::assertCount(1, $returns, "$where: no @return");
            $type = $returns[0]->type;
            self::assertInstanceOf(GenericTypeNode::class, $type, "$where: @return is not Result<...>");
            self::assertSame('Result', $type->type->name);
            self::assertCount(1, $type->genericTypes);
            if ($name !== 'unwrap') {       // Sello::unwrap() takes any envelope: Result<mixed>
                self::assertTrue(self::isShaped($type->genericTypes[0]), "$where: data is not an array shape");
            }
        }
    }

    /**
     * An array shape, a list of shapes, a string (Firma Virtual's message answers), or a union of
     * those.
     */
    private static function isShaped(TypeNode $type): bool
    {
        if ($type instanceof ArrayShapeNode) {
            return true;
        }
        if ($type instanceof GenericTypeNode && $type->type->name === 'list') {
            return $type->genericTypes[0] instanceof ArrayShapeNode;
        }
        if ($type instanceof UnionTypeNode) {
            foreach ($type->types as $member) {
                if (!self::isShaped($member)) {
                    return false;
                }
            }
            return true;
        }
        return $type instanceof IdentifierTypeNode && $type->name === 'string';
    }

    /** @return array<string, array{class-string, string}> */
    public static function clients(): array
    {
        return ['Fes' => [Fes::class, 'FES'], 'FirmaVirtual' => [FirmaVirtual::class, 'Firma Virtual'],
            'Cfdi' => [Cfdi::class, 'CFDI']];
    }

    /**
     * The constructor's $config shape names every member of the client configuration that
     * docs/reference.md documents for the service (its shared table and the service's own
     * members), and nothing else.
     * @dataProvider clients
     * @param class-string $class
     */
    public function testTheConfigurationShapeHasEveryDocumentedMember(string $class, string $label): void
    {
        $doc = (string) (new \ReflectionMethod($class, '__construct'))->getDocComment();
        $tags = array_values(array_filter(
            self::parse($doc)->getParamTagValues(),
            static fn ($tag): bool => $tag->parameterName === '$config'
        ));
        self::assertCount(1, $tags);
        $shape = $tags[0]->type;
        self::assertInstanceOf(ArrayShapeNode::class, $shape);
        $keys = array_map(static fn ($item): string => (string) $item->keyName, $shape->items);
        $expected = self::documentedMembers($label);
        sort($keys);
        self::assertSame($expected, $keys, "$class's \$config shape");
    }

    /** @return list<string> the members docs/reference.md documents for the client $label */
    private static function documentedMembers(string $label): array
    {
        $text = (string) file_get_contents(dirname(__DIR__, 3) . '/docs/reference.md');
        $section = explode("\n## ", explode("\n## Client configuration\n", $text, 2)[1], 2)[0];
        [$shared, $rest] = explode("Plus each service's own members", $section, 2);
        $own = explode("\n\n`environment`", $rest, 2)[0];
        preg_match_all('/^\| `(\w+)` \|/m', $shared, $sharedNames);
        self::assertContains('allow_tls_key_log', $sharedNames[1]);
        self::assertSame(1, preg_match('/^\| ' . preg_quote($label, '/') . ' \| (`.*) \|$/m', $own, $row));
        preg_match_all('/`(\w+)`/', $row[1], $ownNames);
        $members = array_values(array_unique([...$sharedNames[1], ...$ownNames[1]]));
        sort($members);
        return $members;
    }
}
